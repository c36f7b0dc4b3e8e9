// Wording and retry class of connection failures (common/connect_error.h).
#include <doctest/doctest.h>

#include <string>

#include "common/connect_error.h"

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("connect_error") {

TEST_CASE("DNS: getaddrinfo's reason and the name, transient") {
    auto c = vme::dns_cause("broker.invalid", "Name or service not known");
    CHECK(c.text == "cannot resolve host name broker.invalid: Name or service not known");
    CHECK_FALSE(c.permanent);
}

TEST_CASE("DNS: a name the resolver says does not exist is permanent") {
    auto c = vme::dns_cause("nonexistent.invalid", "Name or service not known", true);
    CHECK(c.text == "cannot resolve host name nonexistent.invalid: Name or service not known");
    CHECK(c.permanent);
}

TEST_CASE("an attempt still under way: each stage named, the address sanitized, transient") {
    using vme::AttemptStage;
    auto dns = vme::unanswered_cause(AttemptStage::Resolving, "broker.example.org");
    CHECK(dns.text == "no answer yet from the name lookup of broker.example.org");
    auto tcp = vme::unanswered_cause(AttemptStage::TcpConnecting, "192.0.2.1:1883");
    CHECK(contains(tcp.text, "TCP connection to 192.0.2.1:1883"));
    auto tls = vme::unanswered_cause(AttemptStage::TlsHandshake, "127.0.0.1:8883");
    CHECK(contains(tls.text, "TLS handshake"));
    auto mqtt = vme::unanswered_cause(AttemptStage::AwaitingConnack, "127.0.0.1:1883");
    CHECK(contains(mqtt.text, "did not answer the MQTT CONNECT"));
    for (const auto& c : {dns, tcp, tls, mqtt}) CHECK_FALSE(c.permanent);
    CHECK_FALSE(contains(vme::unanswered_cause(AttemptStage::Resolving, "a\x1b[2Jb").text, "\x1b"));
}

TEST_CASE("TCP: the errno text and the address tried, transient") {
    auto c = vme::socket_cause("[::1]:1883", "Connection refused");
    CHECK(c.text == "TCP connection to [::1]:1883: Connection refused");
    CHECK_FALSE(c.permanent);
}

TEST_CASE("a host name from the configuration is sanitized") {
    auto c = vme::dns_cause("evil\x1b[2Jname", "Name or service not known");
    CHECK_FALSE(contains(c.text, "\x1b"));
}

TEST_CASE("verification: OpenSSL's reason, the certificate's names, permanent") {
    vme::TlsVerifyFailure f;
    f.x509_error = 20;
    f.x509_text = "unable to get local issuer certificate";
    f.cert_names = {"localhost", "IP 127.0.0.1"};
    auto c = vme::tls_verify_cause(f);
    CHECK(c.text ==
          "TLS: certificate verify failed: unable to get local issuer certificate "
          "(certificate for localhost, IP 127.0.0.1)");
    CHECK(c.permanent);
}

TEST_CASE("an expired certificate says until when it was valid") {
    vme::TlsVerifyFailure f;
    f.x509_error = 10;
    f.x509_text = "certificate has expired";
    f.cert_names = {"localhost"};
    f.not_after = "2020-02-01 00:00:00 UTC";
    auto c = vme::tls_verify_cause(f);
    CHECK(c.text == "TLS: certificate verify failed: certificate has expired (not valid after 2020-02-01 00:00:00 UTC)");
    CHECK(c.permanent);
}

TEST_CASE("a certificate not yet valid says from when") {
    vme::TlsVerifyFailure f;
    f.x509_error = 9;
    f.x509_text = "certificate is not yet valid";
    f.not_before = "2030-01-01 00:00:00 UTC";
    CHECK(contains(vme::tls_verify_cause(f).text, "not valid before 2030-01-01 00:00:00 UTC"));
}

TEST_CASE("hostname mismatch: the name checked and the names in the certificate") {
    vme::TlsVerifyFailure f;
    f.hostname_mismatch = true;
    f.x509_error = 1;  // what OpenSSL records when libmosquitto's own check refuses
    f.x509_text = "unspecified certificate verification error";
    f.checked_name = "127.0.0.1";
    f.cert_names = {"localhost"};
    auto c = vme::tls_verify_cause(f);
    CHECK(c.text == "TLS: certificate verify failed: hostname mismatch: checked 127.0.0.1, the certificate is for localhost");
    CHECK(c.permanent);
    SUBCASE("OpenSSL's own host name check gives the same line") {
        vme::TlsVerifyFailure g = f;
        g.hostname_mismatch = false;
        g.x509_error = 62;
        CHECK(vme::tls_verify_cause(g).text == c.text);
    }
    SUBCASE("a certificate without names") {
        f.cert_names.clear();
        CHECK(contains(vme::tls_verify_cause(f).text, "the certificate is for no name"));
    }
}

TEST_CASE("peer_speaks: TLS record types") {
    CHECK(vme::peer_speaks(std::nullopt) == vme::PeerSpeaks::Nothing);
    CHECK(vme::peer_speaks(0x16) == vme::PeerSpeaks::Tls);   // handshake
    CHECK(vme::peer_speaks(0x15) == vme::PeerSpeaks::Tls);   // alert
    CHECK(vme::peer_speaks(0x20) == vme::PeerSpeaks::Other); // CONNACK
    CHECK(vme::peer_speaks(0x13) == vme::PeerSpeaks::Other);
    CHECK(vme::peer_speaks(0x18) == vme::PeerSpeaks::Other);
}

TEST_CASE("protocol mismatch") {
    using vme::PeerSpeaks;
    SUBCASE("mqtts:// to a server that never answers the handshake") {
        auto c = vme::protocol_mismatch_cause(true, PeerSpeaks::Nothing);
        REQUIRE(c);
        CHECK(contains(c->text, "does not speak TLS"));
        CHECK(contains(c->text, "mqtt://"));
        CHECK_FALSE(c->permanent);
    }
    SUBCASE("mqtts:// to a server that answers in plain text") {
        auto c = vme::protocol_mismatch_cause(true, PeerSpeaks::Other);
        REQUIRE(c);
        CHECK(contains(c->text, "does not speak TLS"));
    }
    SUBCASE("mqtts:// to a TLS server: no mismatch") {
        CHECK_FALSE(vme::protocol_mismatch_cause(true, PeerSpeaks::Tls));
        CHECK_FALSE(vme::protocol_mismatch_cause(true, PeerSpeaks::Unknown));
    }
    SUBCASE("mqtt:// to a server that answers with a TLS record") {
        auto c = vme::protocol_mismatch_cause(false, PeerSpeaks::Tls);
        REQUIRE(c);
        CHECK(contains(c->text, "speaks TLS"));
        CHECK(contains(c->text, "mqtts://"));
    }
    SUBCASE("mqtt:// to a server that hangs up without a CONNACK") {
        auto c = vme::protocol_mismatch_cause(false, PeerSpeaks::Nothing);
        REQUIRE(c);
        CHECK(contains(c->text, "without answering the MQTT CONNECT"));
        CHECK(contains(c->text, "mqtts://"));
    }
    SUBCASE("mqtt:// to an MQTT server: no mismatch") {
        CHECK_FALSE(vme::protocol_mismatch_cause(false, PeerSpeaks::Other));
    }
}

TEST_CASE("OpenSSL error lines: the reason, each once") {
    CHECK(vme::openssl_reason("OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading") ==
          "unexpected eof while reading");
    CHECK(vme::openssl_reason("something else") == "something else");
    auto c = vme::tls_error_cause({"OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading",
                                   "OpenSSL Error[1]: error:0A000126:SSL routines::unexpected eof while reading",
                                   "OpenSSL Error[2]: error:0A00010B:SSL routines::wrong version number"});
    CHECK(c.text == "TLS: unexpected eof while reading; wrong version number");
    CHECK_FALSE(c.permanent);
    CHECK(vme::tls_error_cause({}).text == "TLS: handshake failed");
}

TEST_CASE("CONNACK 3.1.1: libmosquitto's text trimmed, the return code, class by code") {
    auto c = vme::connack_cause(4, 5, "Connection Refused: not authorised.", "");
    CHECK(c.text == "the broker refused the connection: not authorised (CONNACK return code 5)");
    CHECK(c.permanent);
    CHECK(vme::connack_cause(4, 4, "Connection Refused: bad username or password.", "").permanent);
    CHECK(vme::connack_cause(4, 2, "Connection Refused: identifier rejected.", "").permanent);
    CHECK_FALSE(vme::connack_cause(4, 3, "Connection Refused: broker unavailable.", "").permanent);
}

TEST_CASE("CONNACK 5: reason code in decimal and hex, the reason string sanitized") {
    auto c = vme::connack_cause(5, 0x87, "Not authorized", "no \x1b[31mentry");
    CHECK(contains(c.text, "the broker refused the connection: Not authorized (reason code 135, 0x87): no "));
    CHECK_FALSE(contains(c.text, "\x1b"));
    CHECK(c.permanent);
    CHECK(vme::connack_cause(5, 0x86, "Bad user name or password", "").permanent);
    CHECK(vme::connack_cause(5, 0x8A, "Banned", "").permanent);
    CHECK_FALSE(vme::connack_cause(5, 0x88, "Server unavailable", "").permanent);
    CHECK_FALSE(vme::connack_cause(5, 0x89, "Server busy", "").permanent);
    CHECK(vme::connack_cause(5, 0x89, "Server busy", "").text ==
          "the broker refused the connection: Server busy (reason code 137, 0x89)");
}

}  // TEST_SUITE

TEST_SUITE("connect_error: attempt_cause") {

TEST_CASE("a definite cause wins over everything else the attempt showed") {
    vme::AttemptFacts f;
    f.definite = vme::socket_cause("127.0.0.1:1", "Connection refused");
    f.peer_ended = true;
    f.tls_errors = {"OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading"};
    CHECK(vme::attempt_cause(f, "lost").text == "TCP connection to 127.0.0.1:1: Connection refused");
}

TEST_CASE("a server that ends the attempt: what it sent tells the protocol mismatch") {
    vme::AttemptFacts plain_behind_tls;
    plain_behind_tls.tls = true;
    plain_behind_tls.peer_ended = true;
    plain_behind_tls.first_byte = 0x20;  // an MQTT CONNACK, not a TLS record
    auto c = vme::attempt_cause(plain_behind_tls, "");
    CHECK(c.text == vme::protocol_mismatch_cause(true, vme::PeerSpeaks::Other)->text);

    vme::AttemptFacts tls_behind_plain;
    tls_behind_plain.peer_ended = true;
    tls_behind_plain.first_byte = 0x15;  // a TLS alert
    CHECK(vme::attempt_cause(tls_behind_plain, "").text ==
          vme::protocol_mismatch_cause(false, vme::PeerSpeaks::Tls)->text);

    vme::AttemptFacts silent_close;
    silent_close.peer_ended = true;  // closed without a byte
    auto expected = vme::protocol_mismatch_cause(false, vme::PeerSpeaks::Nothing);
    REQUIRE(expected);
    CHECK(vme::attempt_cause(silent_close, "").text == expected->text);
}

TEST_CASE("OpenSSL's errors, then the library's words, then \"connection lost\"") {
    vme::AttemptFacts tls;
    tls.tls = true;
    tls.tls_errors = {"OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading"};
    CHECK(vme::attempt_cause(tls, "protocol error").text == "TLS: unexpected eof while reading");
    vme::AttemptFacts none;
    CHECK(vme::attempt_cause(none, "The connection was lost.").text == "The connection was lost.");
    CHECK(vme::attempt_cause(none, "").text == "connection lost");
    CHECK_FALSE(vme::attempt_cause(none, "").permanent);
}

}  // TEST_SUITE
