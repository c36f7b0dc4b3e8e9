// vm-storm: a libvirt event generator for the benchmarks and the tests.
//
// It drives the libvirt test driver behind a libvirtd through the libvirt
// API (never virsh, whose process start-up would dominate): start/destroy
// cycles of a transient VM as fast as libvirtd takes them or paced at a
// fixed rate, bulk define/undefine of persistent VMs, and one scripted
// lifecycle. With --times it records when each event-generating call
// returned, so a benchmark can measure end-to-end latency per event.
//
//   vm-storm -c URI cycles N [--name NAME] [--rate EPS] [--times FILE]
//   vm-storm -c URI define N [--name PREFIX]
//   vm-storm -c URI undefine N [--name PREFIX]
//   vm-storm -c URI lifecycle NAME

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/cli_parse.h"

#include "common/result.h"

namespace {

// ------------------------------------------------------------ errors

using vme::Error;
using vme::Ok;
using vme::Status;

/// A failure of a libvirt call, with libvirt's own reason: "what: why".
Error libvirt_failure(const std::string& what) {
    return Error{what + ": " + virGetLastErrorMessage()};
}

/// libvirt's default handler prints every error to stderr itself; we report
/// each one once, in our own format, so it stays silent.
void silence_libvirt(void* /*opaque*/, virErrorPtr /*error*/) {}

// ------------------------------------------------------------ handles

/// Closes a libvirt connection.
struct ConnectCloser {
    void operator()(virConnectPtr conn) const { virConnectClose(conn); }
};
using Connection = std::unique_ptr<virConnect, ConnectCloser>;

/// Releases a domain reference (does not stop or undefine the VM).
struct DomainFreer {
    void operator()(virDomainPtr dom) const { virDomainFree(dom); }
};
using Domain = std::unique_ptr<virDomain, DomainFreer>;

// ------------------------------------------------------------ time

/// CLOCK_REALTIME now, in nanoseconds since the epoch (comparable across
/// processes on this machine, which is what latency matching needs).
std::int64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// CLOCK_MONOTONIC now, in nanoseconds (for pacing and durations).
std::int64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// Sleeps until the monotonic instant `deadline_ns` (no drift over a run,
/// unlike a relative sleep per event).
void sleep_until(std::int64_t deadline_ns) {
    timespec ts{};
    ts.tv_sec = deadline_ns / 1'000'000'000;
    ts.tv_nsec = deadline_ns % 1'000'000'000;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
}

// ------------------------------------------------------------ domain XML

/// `raw` with the five XML special characters escaped, so any VM name
/// (quotes, '<', '&') yields a well-formed definition.
std::string xml_escape(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\'': out += "&apos;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

/// A minimal test-driver domain definition named `name`.
std::string domain_xml(std::string_view name) {
    return "<domain type='test'><name>" + xml_escape(name) +
           "</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>";
}

// ------------------------------------------------------------ event log

/// One generated event: its sequence number in this run, its lifecycle
/// token, and when the generating call returned.
struct Stamp {
    std::uint64_t seq;
    const char* event;
    std::int64_t returned_ns;
};

/// Writes "<seq> <event> <ns>" lines to `path`. Stamps are kept in memory
/// during the run so file I/O never slows the storm down.
Status write_times(const std::string& path, const std::vector<Stamp>& stamps) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
    if (!file) return Error{"cannot write " + path + ": " + std::strerror(errno)};
    for (const Stamp& s : stamps) {
        std::fprintf(file.get(), "%llu %s %lld\n", static_cast<unsigned long long>(s.seq), s.event,
                     static_cast<long long>(s.returned_ns));
    }
    if (std::fflush(file.get()) != 0) return Error{"cannot write " + path + ": " + std::strerror(errno)};
    return Ok{};
}

// ------------------------------------------------------------ cycles

/// What `cycles` was asked to do.
struct CyclesOptions {
    long count = 0;
    std::string name = "storm";
    double rate = 0;  ///< events per second; 0 = as fast as possible
    std::string times_file;
};

/// Paces calls at `rate` events per second from a fixed start (0 = no pacing).
class Pacer {
public:
    explicit Pacer(double rate) : interval_ns_(rate > 0 ? 1e9 / rate : 0), start_ns_(monotonic_ns()) {}

    /// Waits until event number `index` (from 0) is due.
    void wait(std::uint64_t index) const {
        if (interval_ns_ > 0) sleep_until(start_ns_ + static_cast<std::int64_t>(interval_ns_ * static_cast<double>(index)));
    }

private:
    double interval_ns_;
    std::int64_t start_ns_;
};

/// Starts a transient VM from `xml`: one "started" event.
Status start_transient(virConnectPtr conn, const std::string& xml, Domain& dom) {
    dom.reset(virDomainCreateXML(conn, xml.c_str(), 0));
    if (!dom) return libvirt_failure("cannot start a transient VM");
    return Ok{};
}

/// Destroys (and so removes) the transient VM: one "stopped" event.
Status destroy(Domain& dom) {
    if (virDomainDestroy(dom.get()) < 0) return libvirt_failure("cannot destroy the VM");
    dom.reset();
    return Ok{};
}

/// Prints the run's summary on stderr.
void print_summary(std::uint64_t events, std::int64_t elapsed_ns) {
    const double seconds = static_cast<double>(elapsed_ns) / 1e9;
    std::fprintf(stderr, "vm-storm: %llu events in %.3f s: %.0f events/s\n",
                 static_cast<unsigned long long>(events), seconds,
                 seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
}

/// N start/destroy cycles, each call timestamped when it returns.
Status run_cycles(virConnectPtr conn, const CyclesOptions& opt) {
    const std::string xml = domain_xml(opt.name);
    std::vector<Stamp> stamps;
    stamps.reserve(static_cast<std::size_t>(opt.count) * 2);
    const Pacer pacer(opt.rate);
    const std::int64_t begin = monotonic_ns();
    Domain dom;
    for (long i = 0; i < opt.count; ++i) {
        pacer.wait(stamps.size());
        if (Status s = start_transient(conn, xml, dom); !s) return s;
        stamps.push_back({stamps.size() + 1, "started", realtime_ns()});
        pacer.wait(stamps.size());
        if (Status s = destroy(dom); !s) return s;
        stamps.push_back({stamps.size() + 1, "stopped", realtime_ns()});
    }
    print_summary(stamps.size(), monotonic_ns() - begin);
    if (opt.times_file.empty()) return Ok{};
    return write_times(opt.times_file, stamps);
}

// ------------------------------------------------------------ define / undefine

/// The name of the index-th VM of a bulk run: PREFIX-index.
std::string bulk_name(const std::string& prefix, long index) {
    return prefix + "-" + std::to_string(index);
}

/// Defines PREFIX-0 .. PREFIX-(N-1) as persistent VMs.
Status run_define(virConnectPtr conn, const std::string& prefix, long count) {
    const std::int64_t begin = monotonic_ns();
    for (long i = 0; i < count; ++i) {
        Domain dom(virDomainDefineXML(conn, domain_xml(bulk_name(prefix, i)).c_str()));
        if (!dom) return libvirt_failure("cannot define " + bulk_name(prefix, i));
    }
    print_summary(static_cast<std::uint64_t>(count), monotonic_ns() - begin);
    return Ok{};
}

/// Undefines PREFIX-0 .. PREFIX-(N-1) (a running one is destroyed first).
Status run_undefine(virConnectPtr conn, const std::string& prefix, long count) {
    const std::int64_t begin = monotonic_ns();
    for (long i = 0; i < count; ++i) {
        const std::string name = bulk_name(prefix, i);
        Domain dom(virDomainLookupByName(conn, name.c_str()));
        if (!dom) return libvirt_failure("cannot find " + name);
        if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0) return libvirt_failure("cannot destroy " + name);
        if (virDomainUndefine(dom.get()) < 0) return libvirt_failure("cannot undefine " + name);
    }
    print_summary(static_cast<std::uint64_t>(count), monotonic_ns() - begin);
    return Ok{};
}

// ------------------------------------------------------------ lifecycle

/// One step of the scripted lifecycle: a libvirt call on the domain.
struct Step {
    const char* what;
    int (*call)(virDomainPtr);
};

/// define, start, suspend, resume, destroy, undefine one VM named `name`.
Status run_lifecycle(virConnectPtr conn, const std::string& name) {
    Domain dom(virDomainDefineXML(conn, domain_xml(name).c_str()));
    if (!dom) return libvirt_failure("cannot define " + name);
    static constexpr Step steps[] = {
        {"start", &virDomainCreate},     {"suspend", &virDomainSuspend},
        {"resume", &virDomainResume},    {"destroy", &virDomainDestroy},
        {"undefine", &virDomainUndefine},
    };
    for (const Step& step : steps) {
        if (step.call(dom.get()) < 0) return libvirt_failure(std::string("cannot ") + step.what + " " + name);
    }
    return Ok{};
}

// ------------------------------------------------------------ main

/// The parsed command line.
struct Options {
    std::string uri;
    CyclesOptions cycles;
    long bulk_count = 0;
    std::string bulk_prefix = "storm";
    std::string lifecycle_name;
};

/// Declares the options and the four subcommands on `app`.
void add_options(CLI::App& app, Options& opt) {
    app.add_option("-c,--connect", opt.uri, "libvirt URI (default: libvirt's own default)");
    app.require_subcommand(1);
    app.fallthrough();  // subcommands inherit it: -c may also follow the subcommand
    CLI::App* cycles = app.add_subcommand("cycles", "N start/destroy cycles of a transient VM");
    cycles->add_option("N", opt.cycles.count, "number of cycles (2 events each)")->required()->check(CLI::Range(1L, 100000000L));
    cycles->add_option("--name", opt.cycles.name, "VM name (default: storm)");
    cycles->add_option("--rate", opt.cycles.rate, "events per second (default: as fast as possible)")->check(CLI::NonNegativeNumber);
    cycles->add_option("--times", opt.cycles.times_file, "write '<seq> <event> <realtime ns>' per event to FILE");
    for (const char* verb : {"define", "undefine"}) {
        CLI::App* bulk = app.add_subcommand(verb, std::string(verb) + " N persistent VMs PREFIX-0..N-1");
        bulk->add_option("N", opt.bulk_count, "number of VMs")->required()->check(CLI::Range(1L, 100000000L));
        bulk->add_option("--name", opt.bulk_prefix, "name prefix (default: storm)");
    }
    CLI::App* life = app.add_subcommand("lifecycle", "define, start, suspend, resume, destroy, undefine one VM");
    life->add_option("NAME", opt.lifecycle_name, "VM name")->required();
}

/// Runs the chosen subcommand on an open connection.
Status dispatch(CLI::App& app, virConnectPtr conn, const Options& opt) {
    if (app.got_subcommand("cycles")) return run_cycles(conn, opt.cycles);
    if (app.got_subcommand("define")) return run_define(conn, opt.bulk_prefix, opt.bulk_count);
    if (app.got_subcommand("undefine")) return run_undefine(conn, opt.bulk_prefix, opt.bulk_count);
    return run_lifecycle(conn, opt.lifecycle_name);
}

/// Connects and runs; 0 on success, 1 on a failure (reported on stderr).
int run(CLI::App& app, const Options& opt) {
    virSetErrorFunc(nullptr, &silence_libvirt);
    Connection conn(virConnectOpen(opt.uri.empty() ? nullptr : opt.uri.c_str()));
    const Status result = conn ? dispatch(app, conn.get(), opt) : Status(libvirt_failure("cannot connect to libvirt"));
    if (result) return 0;
    std::fprintf(stderr, "vm-storm: %s\n", result.error().message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("vm-storm: generates libvirt domain events on a test-driver hypervisor");
    Options opt;
    add_options(app, opt);
    if (auto status = bench::parse_command_line(app, argc, argv, "vm-storm")) return *status;
    return run(app, opt);
}
