// io::MqttClient's states against real sockets on 127.0.0.1, in-process:
// a port nothing listens on, a listener that never answers, and a minimal
// server that sends a CONNACK and then hangs up. libmosquitto speaks the
// protocol; the test plays the broker's part byte by byte. The waits are
// bounded by deadlines, nothing depends on speed.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/broker_url.h"
#include "io/diagnostics.h"
#include "io/event_loop.h"
#include "io/mqtt_client.h"

using namespace std::chrono_literals;
using vme::io::ConnState;
using vme::io::EventLoop;

namespace {

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks; listening or not.
struct LocalSocket {
    int fd = -1;
    int port = 0;
    explicit LocalSocket(bool listening) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port = ntohs(a.sin_port);
        if (listening) REQUIRE(::listen(fd, 4) == 0);
    }
    ~LocalSocket() {
        if (fd >= 0) ::close(fd);
    }
    LocalSocket(const LocalSocket&) = delete;
    LocalSocket& operator=(const LocalSocket&) = delete;
};

/// Records what the client reports.
struct Recorder final : vme::io::MqttListener {
    std::vector<std::string> seen;
    void on_connected(bool) override { seen.emplace_back("connected"); }
    void on_disconnected(const vme::ConnectCause& cause) override { seen.push_back("disconnected: " + cause.text); }
};

vme::io::ConnectionConfig config_for(int port) {
    vme::io::ConnectionConfig config;
    auto url = vme::parse_broker_url("mqtt://127.0.0.1:" + std::to_string(port));
    REQUIRE(url);
    config.url = *url;
    config.client_id = "unit-mqtt-client";
    return config;
}

/// Runs `loop` until `done` or 10 s have passed; true when `done`.
bool run_until(EventLoop& loop, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        loop.run_once(20ms);
    }
    return true;
}

/// A fixture: loop, listener and client for `port`.
struct Rig {
    EventLoop loop;
    Recorder recorder;
    vme::io::CallbackErrors errors{"unit", -1};
    std::unique_ptr<vme::io::MqttClient> client;
    explicit Rig(int port) {
        auto made = vme::io::MqttClient::create(config_for(port), loop, recorder, errors);
        REQUIRE(made);
        client = std::move(*made);
    }
};

}  // namespace

TEST_SUITE("mqtt_client") {

TEST_CASE("nothing listens: Idle, then the refusal reported once, backing off; stop ends it") {
    LocalSocket closed(false);  // bound, not listening: connecting is refused
    Rig rig(closed.port);
    CHECK(rig.client->state() == ConnState::Idle);
    CHECK_FALSE(rig.client->unanswered());
    rig.client->start();
    REQUIRE(run_until(rig.loop, [&] { return !rig.recorder.seen.empty(); }));
    REQUIRE(rig.recorder.seen.size() == 1);
    CHECK(rig.recorder.seen[0] ==
          "disconnected: TCP connection to 127.0.0.1:" + std::to_string(closed.port) + ": Connection refused");
    CHECK(rig.client->state() == ConnState::BackingOff);
    CHECK_FALSE(rig.client->connected());
    CHECK_FALSE(rig.client->unanswered());  // waiting between attempts: nothing under way
    rig.client->stop();
    CHECK(rig.client->state() == ConnState::Stopped);
    // No further attempt after stop(): the backoff's timer is gone.
    rig.loop.run_once(400ms);
    CHECK(rig.recorder.seen.size() == 1);
}

TEST_CASE("a listener that never answers: Connecting, and unanswered() names the missing CONNACK") {
    LocalSocket silent(true);  // the kernel completes the handshake; nobody reads
    Rig rig(silent.port);
    rig.client->start();
    REQUIRE(run_until(rig.loop, [&] {
        auto why = rig.client->unanswered();
        return why && why->text.find("did not answer the MQTT CONNECT") != std::string::npos;
    }));
    CHECK(rig.client->state() == ConnState::Connecting);
    CHECK(rig.recorder.seen.empty());
    rig.client->stop();
    CHECK(rig.client->state() == ConnState::Stopped);
    CHECK_FALSE(rig.client->unanswered());
}

TEST_CASE("a server that accepts the CONNECT and hangs up: Connected, then lost and backing off") {
    LocalSocket server(true);
    Rig rig(server.port);
    rig.client->start();
    int peer = -1;
    REQUIRE(run_until(rig.loop, [&] {
        pollfd p{server.fd, POLLIN, 0};
        if (::poll(&p, 1, 0) == 1) peer = ::accept4(server.fd, nullptr, nullptr, SOCK_CLOEXEC);
        return peer >= 0;
    }));
    // Read the CONNECT (packet type 1), answer with CONNACK "accepted".
    unsigned char buf[256];
    REQUIRE(run_until(rig.loop, [&] {
        pollfd p{peer, POLLIN, 0};
        return ::poll(&p, 1, 0) == 1;
    }));
    REQUIRE(::read(peer, buf, sizeof buf) > 0);
    CHECK((buf[0] >> 4) == 1);
    const unsigned char connack[] = {0x20, 0x02, 0x00, 0x00};
    REQUIRE(::write(peer, connack, sizeof connack) == static_cast<ssize_t>(sizeof connack));
    REQUIRE(run_until(rig.loop, [&] { return rig.client->connected(); }));
    CHECK(rig.client->state() == ConnState::Connected);
    REQUIRE(rig.recorder.seen == std::vector<std::string>{"connected"});
    ::close(peer);
    REQUIRE(run_until(rig.loop, [&] { return rig.recorder.seen.size() == 2; }));
    CHECK(rig.recorder.seen[1].rfind("disconnected: ", 0) == 0);
    CHECK(rig.client->state() == ConnState::BackingOff);
    rig.client->stop();
    CHECK(rig.client->state() == ConnState::Stopped);
}

}  // TEST_SUITE
