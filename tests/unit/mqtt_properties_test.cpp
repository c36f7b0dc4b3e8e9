// io/mqtt_properties: our message properties through libmosquitto's lists and back.
#include <doctest/doctest.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "io/mqtt_properties.h"

using vme::io::MessageProperties;

TEST_SUITE("mqtt_properties") {

TEST_CASE("content type and user properties survive the round trip, in order") {
    MessageProperties props;
    props.content_type = "application/cloudevents+json; charset=utf-8";
    props.user = {{"ce_specversion", "1.0"}, {"ce_type", "org.libvirt.domain.lifecycle"}, {"ce_type", "twice"}};
    auto list = vme::io::to_property_list(props);
    REQUIRE(list);
    auto back = vme::io::from_property_list(list->get());
    CHECK(back.content_type == props.content_type);
    CHECK(back.user == props.user);
}

TEST_CASE("no properties: an empty list, read back as empty") {
    auto list = vme::io::to_property_list(MessageProperties{});
    REQUIRE(list);
    CHECK(list->get() == nullptr);
    CHECK(vme::io::from_property_list(nullptr).empty());
}

TEST_CASE("what is not a valid MQTT string is refused with a reason, in the content type and user properties") {
    const std::string bad_utf8("bad\xff\xfe", 5);
    MessageProperties content;
    content.content_type = bad_utf8;
    MessageProperties value;
    value.user = {{"name", bad_utf8}};
    MessageProperties name;
    name.user = {{"a\x01" + bad_utf8, "v"}};
    MessageProperties nul;
    nul.user = {{"name", std::string("a\0b", 3)}};
    MessageProperties too_long;
    too_long.user = {{"name", std::string(70000, 'x')}};
    for (const auto* props : {&content, &value, &name, &nul, &too_long}) {
        auto list = vme::io::to_property_list(*props);
        REQUIRE_FALSE(list);
        CHECK(list.error().message.rfind("message properties: ", 0) == 0);
    }
}

TEST_CASE("the reason string of a CONNACK, or nothing") {
    mosquitto_property* head = nullptr;
    REQUIRE(mosquitto_property_add_string(&head, MQTT_PROP_REASON_STRING, "quota exceeded") == MOSQ_ERR_SUCCESS);
    vme::io::PropertyList owned(head);
    CHECK(vme::io::reason_string(owned.get()) == "quota exceeded");
    CHECK(vme::io::reason_string(nullptr).empty());
}

}  // TEST_SUITE
