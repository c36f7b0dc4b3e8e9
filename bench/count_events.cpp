// count-events: the cheapest possible libvirt event consumer, a BASELINE FOR
// THE BENCHMARKS ONLY (bench/run.sh, step end_to_end).
//
// It opens a read-only connection, registers for domain lifecycle events on
// libvirt's default event loop and only counts them: no formatting, no
// output, no second thread. Whatever it costs libvirtd and the machine to
// deliver a storm to it, any consumer pays; what vm-pub → mosquitto → vm-sub
// costs beyond that is the end-to-end figure's subject.
//
//   count-events -c URI -C COUNT [--name VM] [-W SECONDS]
//
// Prints "ready" on stderr once registered. Exits after COUNT events (about
// VM only, with --name) or after SECONDS, and then prints one line on stdout:
//   <events seen> <first seen, CLOCK_REALTIME ns> <last seen, ns>
// (0 0 0 when none came). Exit status 0 when COUNT events came, 1 otherwise.

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "bench/cli_parse.h"

namespace {

/// What the command line asked for.
struct Options {
    std::string uri;
    long count = 0;
    std::string name;  ///< count only this VM's events; "" = every VM's
    int timeout_s = 0;  ///< give up after this long; 0 = never
};

/// What the callbacks reach through their opaque pointer.
struct Tally {
    const Options* options = nullptr;
    long seen = 0;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    bool timed_out = false;

    /// True once the run is over: every event seen, or the time is up.
    [[nodiscard]] bool done() const { return timed_out || seen >= options->count; }
};

/// CLOCK_REALTIME now, in nanoseconds since the epoch (comparable with
/// vm-storm --times and stamp-lines).
std::int64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// ------------------------------------------------------------ handles

/// Closes a libvirt connection.
struct ConnectCloser {
    void operator()(virConnectPtr conn) const { virConnectClose(conn); }
};
using Connection = std::unique_ptr<virConnect, ConnectCloser>;

/// libvirt's default handler prints errors itself; we print them once, our way.
void silence_libvirt(void* /*opaque*/, virErrorPtr /*error*/) {}

/// The lifecycle callback: counts the event and notes when it came. Calls
/// nothing that can throw; virDomainGetName reads the local object, no RPC.
int on_lifecycle(virConnectPtr /*conn*/, virDomainPtr dom, int /*event*/, int /*detail*/, void* opaque) noexcept {
    auto& tally = *static_cast<Tally*>(opaque);
    const std::int64_t now = realtime_ns();
    if (!tally.options->name.empty()) {
        const char* name = virDomainGetName(dom);
        if (name == nullptr || tally.options->name != name) return 0;
    }
    if (tally.seen++ == 0) tally.first_ns = now;
    tally.last_ns = now;
    return 0;
}

/// The timeout callback: ends the run.
void on_timeout(int /*timer*/, void* opaque) noexcept { static_cast<Tally*>(opaque)->timed_out = true; }

/// A lifecycle event registration, deregistered when it goes.
class Registration {
public:
    /// Registers on_lifecycle for every domain of `conn`; valid() tells whether it worked.
    Registration(virConnectPtr conn, Tally& tally)
        : conn_(conn),
          id_(virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               VIR_DOMAIN_EVENT_CALLBACK(&on_lifecycle), &tally, nullptr)) {}
    ~Registration() {
        if (id_ >= 0) virConnectDomainEventDeregisterAny(conn_, id_);
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    /// True when libvirt accepted the registration.
    [[nodiscard]] bool valid() const { return id_ >= 0; }

private:
    virConnectPtr conn_;
    int id_;
};

/// A timer on libvirt's default event loop, removed when it goes.
class Timer {
public:
    /// Calls on_timeout on `tally` every `ms` milliseconds; ms <= 0: no timer.
    Timer(int ms, Tally& tally) : id_(ms > 0 ? virEventAddTimeout(ms, &on_timeout, &tally, nullptr) : -1) {}
    ~Timer() {
        if (id_ >= 0) virEventRemoveTimeout(id_);
    }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

private:
    int id_;
};

// ------------------------------------------------------------ main

/// Declares the options on `app`.
void add_options(CLI::App& app, Options& opt) {
    app.add_option("-c,--connect", opt.uri, "libvirt URI")->required();
    app.add_option("-C,--count", opt.count, "exit after COUNT lifecycle events")->required()->check(CLI::PositiveNumber);
    app.add_option("--name", opt.name, "count only this VM's events");
    app.add_option("-W,--timeout", opt.timeout_s, "give up after SECONDS (default: never)")->check(CLI::NonNegativeNumber);
}

/// Reports a libvirt failure as one line; returns the exit status 1.
int libvirt_failure(const char* what) {
    std::fprintf(stderr, "count-events: %s: %s\n", what, virGetLastErrorMessage());
    return 1;
}

/// Connects read-only, registers, counts until done, prints the tally.
int run(const Options& opt) {
    virSetErrorFunc(nullptr, &silence_libvirt);
    if (virEventRegisterDefaultImpl() < 0) return libvirt_failure("cannot set up the libvirt event loop");
    const Connection conn(virConnectOpenReadOnly(opt.uri.c_str()));
    if (!conn) return libvirt_failure("cannot connect to libvirt");
    Tally tally{&opt};
    const Registration registration(conn.get(), tally);
    if (!registration.valid()) return libvirt_failure("cannot register for lifecycle events");
    const Timer timer(opt.timeout_s * 1000, tally);
    std::fprintf(stderr, "count-events: ready\n");
    while (!tally.done()) {
        if (virEventRunDefaultImpl() < 0) return libvirt_failure("the libvirt event loop failed");
    }
    std::printf("%ld %lld %lld\n", tally.seen, static_cast<long long>(tally.first_ns),
                static_cast<long long>(tally.last_ns));
    return tally.seen >= opt.count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("count-events: counts libvirt lifecycle events (benchmark baseline only)");
    Options opt;
    add_options(app, opt);
    if (auto status = bench::parse_command_line(app, argc, argv, "count-events")) return *status;
    return run(opt);
}
