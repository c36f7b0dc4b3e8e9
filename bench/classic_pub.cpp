// classic-pub: a BASELINE FOR THE BENCHMARKS ONLY. Do not use it, do not
// copy it: it deliberately reproduces the classic libvirt-to-MQTT sample's
// design, which vm-pub exists to replace.
//
// Inside the libvirt lifecycle callback, per event: mosquitto_new, (TLS set
// up), connect, publish, wait for the broker's acknowledgement at QoS 1/2,
// disconnect, destroy. So every event pays a TCP (and TLS) handshake and
// blocks libvirt's event loop while it does. The payload has the
// vm-events/1 shape and the same size as vm-pub's for these events, so the
// benchmark compares designs, not payloads.
//
//   classic-pub -c URI [-H HOST] [-p PORT] [-q QOS] [--cafile FILE]
//               [--prefix P] [--host-name NAME] [-C COUNT]

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <mosquitto.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/cli_parse.h"

namespace {

/// What the command line asked for.
struct Options {
    std::string uri;
    std::string broker_host = "127.0.0.1";
    int port = 1883;
    int qos = 1;
    std::string cafile;
    std::string prefix = "libvirt";
    std::string host_name;
    long count = 0;  ///< exit after this many events; 0 = run until killed
};

/// State the libvirt callback reaches through its opaque pointer.
struct Context {
    const Options* options = nullptr;
    std::uint64_t seq = 0;
    std::string boot;
    long failures = 0;
    bool done = false;
};

// ------------------------------------------------------------ handles

/// Closes a libvirt connection.
struct ConnectCloser {
    void operator()(virConnectPtr conn) const { virConnectClose(conn); }
};
using Connection = std::unique_ptr<virConnect, ConnectCloser>;

/// Destroys a libmosquitto client.
struct MosquittoDestroyer {
    void operator()(mosquitto* client) const { mosquitto_destroy(client); }
};
using Client = std::unique_ptr<mosquitto, MosquittoDestroyer>;

/// libvirt's default handler prints errors itself; we print them once, our way.
void silence_libvirt(void* /*opaque*/, virErrorPtr /*error*/) {}

// ------------------------------------------------------------ payload

/// Lifecycle event tokens, as vm-events/1 names them (libvirt code order).
constexpr std::array<std::string_view, 9> kEvents = {
    "defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown", "pmsuspended", "crashed"};

/// The token of a lifecycle event code.
std::string_view event_name(int event) {
    return event >= 0 && event < static_cast<int>(kEvents.size()) ? kEvents[static_cast<std::size_t>(event)] : "unknown";
}

/// The detail token and virsh text for the events the storm generates
/// (started/booted, stopped/destroyed); others get generic ones.
std::pair<std::string, std::string> detail_and_text(int event, int detail) {
    if (event == VIR_DOMAIN_EVENT_STARTED && detail == VIR_DOMAIN_EVENT_STARTED_BOOTED) return {"booted", "Started Booted"};
    if (event == VIR_DOMAIN_EVENT_STOPPED && detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED) return {"destroyed", "Stopped Destroyed"};
    return {"unknown", "Unknown Unknown"};
}

/// UTC now as "2026-11-26T02:21:24.457Z".
std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::array<char, 32> date{};
    std::strftime(date.data(), date.size(), "%Y-%m-%dT%H:%M:%S", &tm);
    std::array<char, 8> millis{};
    std::snprintf(millis.data(), millis.size(), ".%03dZ", static_cast<int>(ms));
    return std::string(date.data()) + millis.data();
}

/// The domain's UUID string, or "" if libvirt cannot give it.
std::string uuid_of(virDomainPtr dom) {
    std::array<char, VIR_UUID_STRING_BUFLEN> buf{};
    return virDomainGetUUIDString(dom, buf.data()) == 0 ? buf.data() : "";
}

/// The vm-events/1 event payload for one lifecycle event.
std::string payload(Context& ctx, virDomainPtr dom, int event, int detail) {
    const auto [detail_name, text] = detail_and_text(event, detail);
    const int id = static_cast<int>(virDomainGetID(dom));
    nlohmann::ordered_json j = {
        {"schema", "vm-events/1"}, {"seq", ++ctx.seq}, {"boot", ctx.boot}, {"time", utc_now()},
        {"host", ctx.options->host_name}, {"uri", ctx.options->uri},
        {"domain", {{"name", virDomainGetName(dom)}, {"uuid", uuid_of(dom)}, {"id", id < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(id)}}},
        {"kind", "lifecycle"}, {"event", event_name(event)}, {"detail", detail_name},
        {"event_code", event}, {"detail_code", detail}, {"text", text}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// A topic segment with '/', '+', '#', '%' and control bytes percent-encoded
/// (enough for a baseline; vm-pub uses vme::escape_segment).
std::string escape_segment(std::string_view raw) {
    std::string out;
    for (unsigned char c : raw) {
        if (c == '/' || c == '+' || c == '#' || c == '%' || c < 0x20 || c == 0x7f) {
            std::array<char, 4> hex{};
            std::snprintf(hex.data(), hex.size(), "%%%02X", c);
            out += hex.data();
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// ------------------------------------------------------------ the classic publish

/// Progress of one per-event connection, set by libmosquitto's callbacks.
struct Session {
    bool connected = false;
    bool published = false;
    bool disconnected = false;
    int refused = 0;  ///< CONNACK code when the broker refused us
};

/// CONNACK received (rc 0) or refused.
void on_connect(mosquitto* /*client*/, void* obj, int rc) {
    auto& s = *static_cast<Session*>(obj);
    s.connected = rc == 0;
    s.refused = rc;
}

/// The broker acknowledged the message (or, at QoS 0, it was sent).
void on_publish(mosquitto* /*client*/, void* obj, int /*mid*/) { static_cast<Session*>(obj)->published = true; }

/// The connection is closed.
void on_disconnect(mosquitto* /*client*/, void* obj, int /*rc*/) { static_cast<Session*>(obj)->disconnected = true; }

/// Runs the client's network loop until `flag` is set or an error occurs.
int loop_until(mosquitto* client, const Session& s, const bool& flag) {
    int rc = MOSQ_ERR_SUCCESS;
    while (!flag && s.refused == 0 && rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop(client, 1000, 1);
    return s.refused != 0 ? MOSQ_ERR_CONN_REFUSED : rc;
}

/// A new client with the callbacks set and, if asked, TLS configured.
Client new_client(const Options& opt, Session& session, int& rc) {
    Client client(mosquitto_new(nullptr, true, &session));
    rc = client ? MOSQ_ERR_SUCCESS : MOSQ_ERR_NOMEM;
    if (!client) return client;
    mosquitto_connect_callback_set(client.get(), &on_connect);
    mosquitto_publish_callback_set(client.get(), &on_publish);
    mosquitto_disconnect_callback_set(client.get(), &on_disconnect);
    // Give the baseline its best case: without TCP_NODELAY the TLS handshake
    // stalls on delayed ACKs (~100 ms per event), which would flatter vm-pub.
    mosquitto_int_option(client.get(), MOSQ_OPT_TCP_NODELAY, 1);
    if (!opt.cafile.empty()) rc = mosquitto_tls_set(client.get(), opt.cafile.c_str(), nullptr, nullptr, nullptr, nullptr);
    return client;
}

/// The whole per-event connection, as the classic sample does it: new,
/// (TLS), connect, publish, wait for the acknowledgement, disconnect, destroy.
int publish_once(const Options& opt, const std::string& topic, const std::string& body) {
    Session s;
    int rc = MOSQ_ERR_SUCCESS;
    Client client = new_client(opt, s, rc);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_connect(client.get(), opt.broker_host.c_str(), opt.port, 30);
    if (rc == MOSQ_ERR_SUCCESS) rc = loop_until(client.get(), s, s.connected);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_publish(client.get(), nullptr, topic.c_str(), static_cast<int>(body.size()), body.data(), opt.qos, false);
    if (rc == MOSQ_ERR_SUCCESS) rc = loop_until(client.get(), s, s.published);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_disconnect(client.get());
    if (rc == MOSQ_ERR_SUCCESS) loop_until(client.get(), s, s.disconnected);
    return rc;
}

/// The libvirt lifecycle callback: publishes the event on its own connection.
/// Never lets an exception escape into libvirt's C code.
int on_lifecycle(virConnectPtr /*conn*/, virDomainPtr dom, int event, int detail, void* opaque) noexcept {
    auto& ctx = *static_cast<Context*>(opaque);
    try {
        const std::string topic = ctx.options->prefix + "/" + escape_segment(ctx.options->host_name) + "/" +
                                  escape_segment(virDomainGetName(dom)) + "/event/lifecycle";
        const int rc = publish_once(*ctx.options, topic, payload(ctx, dom, event, detail));
        if (rc != MOSQ_ERR_SUCCESS) {
            ++ctx.failures;
            std::fprintf(stderr, "classic-pub: cannot publish: %s\n", mosquitto_strerror(rc));
        }
    } catch (const std::exception& e) {
        ++ctx.failures;
        std::fprintf(stderr, "classic-pub: cannot publish: %s\n", e.what());
    }
    ctx.done = ctx.options->count > 0 && static_cast<long>(ctx.seq) >= ctx.options->count;
    return 0;
}

// ------------------------------------------------------------ main

/// Declares the options on `app`.
void add_options(CLI::App& app, Options& opt) {
    app.add_option("-c,--connect", opt.uri, "libvirt URI")->required();
    app.add_option("-H,--broker-host", opt.broker_host, "broker host (default 127.0.0.1)");
    app.add_option("-p,--port", opt.port, "broker port (default 1883)");
    app.add_option("-q,--qos", opt.qos, "QoS 0, 1 or 2 (default 1)")->check(CLI::Range(0, 2));
    app.add_option("--cafile", opt.cafile, "CA file: connect with TLS");
    app.add_option("--prefix", opt.prefix, "topic prefix (default libvirt)");
    app.add_option("--host-name", opt.host_name, "host segment (default: this machine's name)");
    app.add_option("-C,--count", opt.count, "exit after COUNT events")->check(CLI::NonNegativeNumber);
}

/// This machine's host name.
std::string machine_name() {
    std::array<char, 256> buf{};
    return gethostname(buf.data(), buf.size() - 1) == 0 ? buf.data() : "localhost";
}

/// Connects to libvirt, registers the callback, runs the event loop.
int run(Options& opt) {
    if (opt.host_name.empty()) opt.host_name = machine_name();
    virSetErrorFunc(nullptr, &silence_libvirt);
    if (virEventRegisterDefaultImpl() < 0) {
        std::fprintf(stderr, "classic-pub: cannot set up the libvirt event loop: %s\n", virGetLastErrorMessage());
        return 1;
    }
    Connection conn(virConnectOpen(opt.uri.c_str()));
    if (!conn) {
        std::fprintf(stderr, "classic-pub: cannot connect to libvirt: %s\n", virGetLastErrorMessage());
        return 1;
    }
    Context ctx{&opt, 0, std::to_string(getpid()) + "-" + std::to_string(std::time(nullptr)), 0, false};
    const int id = virConnectDomainEventRegisterAny(conn.get(), nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                    VIR_DOMAIN_EVENT_CALLBACK(&on_lifecycle), &ctx, nullptr);
    if (id < 0) {
        std::fprintf(stderr, "classic-pub: cannot register for events: %s\n", virGetLastErrorMessage());
        return 1;
    }
    std::fprintf(stderr, "classic-pub: ready\n");
    while (!ctx.done && virEventRunDefaultImpl() == 0) {
    }
    virConnectDomainEventDeregisterAny(conn.get(), id);
    return ctx.failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("classic-pub: per-event-connection publisher (benchmark baseline only)");
    Options opt;
    add_options(app, opt);
    if (auto status = bench::parse_command_line(app, argc, argv, "classic-pub")) return *status;
    mosquitto_lib_init();
    const int rc = run(opt);
    mosquitto_lib_cleanup();
    return rc;
}
