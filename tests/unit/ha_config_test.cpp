// Home Assistant MQTT discovery: the config payloads (common/ha_config.h),
// the ids and topics (common/topic.h) and when vm-pub publishes them
// (publisher/ha_discovery.h).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "common/ha_config.h"
#include "common/topic.h"
#include "publisher/ha_discovery.h"

using Json = nlohmann::ordered_json;

namespace {

vme::HaContext context() { return vme::HaContext{"homeassistant", "libvirt", "hv1", "0.1.0"}; }

const vme::DomainRef kWeb1{"web1", "e15d84c2-49c1-41e8-8f0a-4b5353ab5904", 2};

bool only_id_chars(const std::string& s) {
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return !s.empty();
}

/// The object id of "<prefix>/<component>/<object id>/config".
std::string object_id(const std::string& topic) {
    auto end = topic.rfind("/config");
    auto start = topic.rfind('/', end - 1);
    return topic.substr(start + 1, end - start - 1);
}

}  // namespace

TEST_CASE("ha_id: only [a-zA-Z0-9_-], and different inputs give different ids") {
    CHECK(vme::ha_id("hv1") == "hv1");
    CHECK(vme::ha_id("hv1.example.org") == "hv1_2Eexample_2Eorg");
    CHECK(vme::ha_id("a_b") == "a_5Fb");
    CHECK(vme::ha_id("a/b+c#d") == "a_2Fb_2Bc_23d");
    CHECK(vme::ha_id("a_2Fb") != vme::ha_id("a/b"));
    CHECK(only_id_chars(vme::ha_id("x \n\xFF\xC3\xA9")));
}

TEST_CASE("ha topics") {
    CHECK(vme::ha_config_topic("homeassistant", "sensor", "vme_hv1_x_state") ==
          "homeassistant/sensor/vme_hv1_x_state/config");
    CHECK(vme::ha_status_topic("ha/test") == "ha/test/status");
}

TEST_CASE("ha_vm_configs: a sensor and a binary_sensor on the VM's state topic") {
    auto configs = vme::ha_vm_configs(context(), kWeb1);
    REQUIRE(configs.size() == 2);
    std::string key = "vme_hv1_e15d84c2-49c1-41e8-8f0a-4b5353ab5904";
    CHECK(configs[0].topic == "homeassistant/sensor/" + key + "_state/config");
    CHECK(configs[1].topic == "homeassistant/binary_sensor/" + key + "_running/config");
    for (const auto& config : configs) {
        Json j = Json::parse(config.payload);
        CHECK(j["state_topic"] == "libvirt/hv1/web1/state");
        CHECK(j["unique_id"] == object_id(config.topic));
        CHECK(j["availability"][0]["topic"] == "libvirt/hv1/status");
        CHECK(j["availability"][0]["value_template"] == std::string(vme::kHaAvailabilityTemplate));
        CHECK(j["device"]["identifiers"] == Json::array({key}));
        CHECK(j["device"]["name"] == "web1");
        CHECK(j["device"]["via_device"] == "vme_hv1");
        CHECK(j["origin"]["name"] == "vm-events");
    }
    Json sensor = Json::parse(configs[0].payload);
    CHECK(sensor["value_template"] == std::string(vme::kHaStateTemplate));
    CHECK(sensor["json_attributes_topic"] == "libvirt/hv1/web1/state");
    Json running = Json::parse(configs[1].payload);
    CHECK(running["device_class"] == "running");
    CHECK(running["value_template"] == std::string(vme::kHaRunningTemplate));
}

TEST_CASE("ha_vm_configs: hostile names stay out of topics and ids") {
    vme::DomainRef vm{"a/b+c#d\n\xFF", "e15d84c2-49c1-41e8-8f0a-4b5353ab5904", -1};
    vme::HaContext c = context();
    c.host = "h/o+s#t";
    auto configs = vme::ha_vm_configs(c, vm);
    REQUIRE(configs.size() == 2);
    for (const auto& config : configs) {
        CHECK(only_id_chars(object_id(config.topic)));
        CHECK(config.topic.find_first_of("+#") == std::string::npos);
        Json j = Json::parse(config.payload);
        CHECK(j["state_topic"] == vme::state_topic("libvirt", c.host, vm.name));
        CHECK(j["device"]["name"] == "a/b+c#d\xEF\xBF\xBD\xEF\xBF\xBD");
    }
    CHECK(vme::ha_vm_configs(c, vme::DomainRef{"x", "", -1}).empty());
}

TEST_CASE("ha_host_configs: the host device and its connectivity sensor") {
    auto configs = vme::ha_host_configs(context());
    REQUIRE(configs.size() == 1);
    CHECK(configs[0].topic == "homeassistant/binary_sensor/vme_hv1_vm-pub/config");
    Json j = Json::parse(configs[0].payload);
    CHECK(j["state_topic"] == "libvirt/hv1/status");
    CHECK(j["device_class"] == "connectivity");
    CHECK(j["device"]["identifiers"] == Json::array({"vme_hv1"}));
    CHECK(j["device"]["name"] == "hv1");
}

TEST_CASE("ha_vm_removals: the configs' topics with empty payloads") {
    auto configs = vme::ha_vm_configs(context(), kWeb1);
    auto removals = vme::ha_vm_removals(context(), kWeb1.uuid);
    REQUIRE(removals.size() == configs.size());
    for (std::size_t i = 0; i < removals.size(); ++i) {
        CHECK(removals[i].topic == configs[i].topic);
        CHECK(removals[i].payload.empty());
    }
}

TEST_CASE("HaDiscovery: configs once per VM and name, removals for known VMs, birth") {
    vme::pub::HaDiscovery ha(context());
    CHECK(ha.birth_topic() == "homeassistant/status");
    auto all = ha.all({kWeb1});
    CHECK(all.size() == 3);  // host + 2 for web1
    for (const auto& m : all) {
        CHECK(m.retain);
        CHECK(m.qos == 1);
    }
    CHECK(ha.on_change(kWeb1, false).empty());  // already configured
    vme::DomainRef renamed = kWeb1;
    renamed.name = "web2";
    auto again = ha.on_change(renamed, false);
    REQUIRE(again.size() == 2);
    CHECK(Json::parse(again[0].payload)["state_topic"] == "libvirt/hv1/web2/state");
    auto removed = ha.on_change(renamed, true);
    REQUIRE(removed.size() == 2);
    CHECK(removed[0].payload.empty());
    CHECK(removed[0].retain);
    CHECK(ha.on_change(renamed, true).empty());  // nothing left to remove
    vme::DomainRef db1{"db1", "00000000-0000-4000-8000-000000000001", -1};
    CHECK(ha.on_change(db1, false).size() == 2);
    CHECK(ha.is_birth("homeassistant/status", "online"));
    CHECK_FALSE(ha.is_birth("homeassistant/status", "offline"));
    CHECK_FALSE(ha.is_birth("other/status", "online"));
}
