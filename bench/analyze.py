#!/usr/bin/env python3
"""Analysis half of bench/run.sh (standard library only).

  analyze.py latency --times T --stamped S --name VM [--format json|virsh]
      Matches the generator's events (vm-storm --times) with the lines a
      subscriber printed (stamped by stamp-lines), in order, and prints one
      JSON object: counts, emission and delivery rates, their ratio and the
      latency percentiles in ms, and the end-to-end figures (end_rate:
      storm events / seconds from the generator's first stamp to the last
      line; tail_ms: last generator call returned → last line).

  analyze.py count --times T --tally F
      The same counts, rates and end-to-end figures for bench/count-events,
      whose output line F is '<seen> <first ns> <last ns>'.

  analyze.py report --results R --meta M --out DOC --plot PNG
      Aggregates the figures run.sh recorded (min/median/max over runs) and
      writes docs/benchmarks.md and the latency plot (gnuplot).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


# ---------------------------------------------------------------- latency

def read_times(path):
    """[(event, ns)] from vm-storm --times lines '<seq> <event> <ns>'."""
    out = []
    with open(path) as f:
        for line in f:
            _seq, event, ns = line.split()
            out.append((event, int(ns)))
    return out


def parse_json_line(rest, name):
    """The lifecycle event token of a vm-events/1 line about VM `name`, else None."""
    try:
        msg = json.loads(rest)
    except ValueError:
        return None
    if not isinstance(msg, dict) or msg.get("kind") != "lifecycle":
        return None
    if (msg.get("domain") or {}).get("name") != name:
        return None
    return msg.get("event")


def parse_virsh_line(rest, name):
    """The event token of a `virsh event` line about VM `name`, else None."""
    marker = "for domain '%s': " % name
    if "event 'lifecycle'" not in rest or marker not in rest:
        return None
    return rest.split(marker, 1)[1].split()[0].lower()


def read_stamped(path, name, fmt):
    """[(event, ns)] of the subscriber's lines about `name`, in print order."""
    parse = parse_json_line if fmt == "json" else parse_virsh_line
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            ns, _, rest = line.rstrip("\n").partition(" ")
            event = parse(rest, name)
            if event is not None:
                out.append((event, int(ns)))
    return out


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def storm_figures(gen, seen, last_ns):
    """What a storm `gen` and one consumer of it, which saw `seen` events, the
    last at `last_ns` (CLOCK_REALTIME ns; None if none), give:
    emit_rate = libvirtd's emission rate over the storm's window (first to
    last generator stamp); storm start is the generator's first stamp (the
    first event-generating call returned), and end_s = storm start → last
    event seen; end_rate = storm events / end_s, only for a storm seen whole;
    tail_ms = last generator call returned → last event seen."""
    result = {}
    if len(gen) < 2:
        return result
    start, end = gen[0][1], gen[-1][1]
    window = (end - start) / 1e9
    result["emit_rate"] = (len(gen) - 1) / window if window > 0 else None
    if seen and last_ns is not None:
        span = (last_ns - start) / 1e9
        result["end_s"] = span
        result["end_rate"] = len(gen) / span if span > 0 and seen == len(gen) else None
        result["tail_ms"] = (last_ns - end) / 1e6
    return result


def latency(args):
    gen = read_times(args.times)
    got = read_stamped(args.stamped, args.name, args.format)
    n, m = len(gen), len(got)
    pairs = list(zip(gen, got))
    mismatch = sum(1 for (ge, _), (re, _) in pairs if ge != re)
    lat = sorted((rt - gt) / 1e6 for (_, gt), (_, rt) in pairs)
    result = {"generated": n, "received": m, "mismatch": mismatch}
    result.update(storm_figures(gen, m, got[-1][1] if got else None))
    if result.get("end_s"):
        window = (gen[-1][1] - gen[0][1]) / 1e9
        # A storm that did not arrive whole has no delivery rate: the part that
        # did arrive would flatter it. The counts above tell the story.
        result["ratio"] = (window / result["end_s"]) if result["end_s"] > 0 and m == n else None
        if result["emit_rate"] and result.get("ratio") is not None:
            result["delivered_rate"] = result["emit_rate"] * result["ratio"]
    for p in (50, 95, 99):
        result["p%d" % p] = percentile(lat, p)
    result["max"] = lat[-1] if lat else None
    print(json.dumps(result))


def count(args):
    """The cheapest consumer's tally (count-events' '<seen> <first ns> <last
    ns>' line) against the generator's stamps, as one JSON object with the
    fields `latency` gives for a subscriber, latency aside."""
    gen = read_times(args.times)
    with open(args.tally) as f:
        parts = f.read().split()
    seen, last_ns = (int(parts[0]), int(parts[2])) if len(parts) == 3 and parts[0] != "0" else (0, None)
    result = {"generated": len(gen), "received": seen}
    result.update(storm_figures(gen, seen, last_ns))
    print(json.dumps(result))


# ---------------------------------------------------------------- report

# (key, label, unit, target text, target check or None). Keys are what
# run.sh records with `record KEY VALUE`, one line per run.
SECTIONS = [
    ("1. Throughput: vm-pub → mosquitto → vm-sub -o json, storm at full speed", [
        ("gen_rate", "libvirtd emission rate (vm-storm, vm-pub listening)", "events/s", "", None),
        ("tp_ratio_q0", "delivery ratio, QoS 0", "×", "", None),
        ("tp_ratio_q1", "delivery ratio, QoS 1", "×", "≥ 0.95", lambda v: v >= 0.95),
        ("tp_ratio_q2", "delivery ratio, QoS 2", "×", "", None),
        ("tp_rate_q0", "delivered rate, QoS 0", "events/s", "", None),
        ("tp_rate_q1", "delivered rate, QoS 1", "events/s", "", None),
        ("tp_rate_q2", "delivered rate, QoS 2", "events/s", "", None),
        ("tp_lost_q0", "events not delivered, QoS 0 (of each storm)", "events", "", None),
        ("tp_lost_q1", "events not delivered, QoS 1 (of each storm)", "events", "0", lambda v: v == 0),
        ("tp_lost_q2", "events not delivered, QoS 2 (of each storm)", "events", "", None),
    ]),
    ("2. The per-event-connection design (bench/classic-pub, baseline only)", [
        ("classic_gen_rate", "libvirtd emission rate with classic-pub listening", "events/s", "", None),
        ("classic_rate_q1", "classic-pub delivered rate, QoS 1, plain TCP", "events/s", "", None),
        ("classic_ratio_q1", "classic-pub delivery ratio, QoS 1, plain TCP", "×", "", None),
        ("gain_q1", "vm-pub ÷ classic-pub delivered rate, QoS 1, plain TCP", "×", "≥ 2", lambda v: v >= 2),
        ("classic_cpu_us_per_event", "classic-pub CPU time per event (user+sys), plain TCP", "µs", "", None),
        ("broker_cpu_us_per_event_classic", "mosquitto CPU time per event with classic-pub, plain TCP", "µs", "", None),
        ("broker_cpu_us_per_event_vmpub", "mosquitto CPU time per event with vm-pub, QoS 1 (event + retained state)", "µs", "", None),
        ("vmpub_tls_rate_q1", "vm-pub delivered rate, QoS 1, TLS", "events/s", "", None),
        ("classic_tls_rate_q1", "classic-pub delivered rate, QoS 1, TLS", "events/s", "", None),
        ("gain_tls_q1", "vm-pub ÷ classic-pub delivered rate, QoS 1, TLS", "×", "far more than 2", lambda v: v >= 10),
    ]),
    ("3. Baseline: `virsh event --all --loop` on the same storm", [
        ("virsh_gen_rate", "libvirtd emission rate with virsh listening", "events/s", "", None),
        ("virsh_ratio", "virsh delivery ratio", "×", "", None),
        ("virsh_p50", "virsh latency p50", "ms", "", None),
        ("virsh_p99", "virsh latency p99", "ms", "", None),
    ]),
    ("3a. End to end: the cheapest consumer and vm-pub → mosquitto → vm-sub -o json on the same storm, alternating", [
        ("e2e_consumer_rate", "cheapest consumer (bench/count-events): storm events ÷ (storm start → last event seen)",
         "events/s", "", None),
        ("e2e_pipeline_rate", "pipeline: storm events ÷ (storm start → last line printed by vm-sub)", "events/s", "", None),
        ("e2e_ratio", "pipeline ÷ cheapest consumer, per pair of runs", "×", "≥ 0.9", lambda v: v >= 0.9),
        ("e2e_consumer_gen_rate", "libvirtd emission rate, count-events listening", "events/s", "", None),
        ("e2e_pipeline_gen_rate", "libvirtd emission rate, vm-pub listening", "events/s", "", None),
        ("e2e_consumer_tail_ms", "count-events: last generator call returned → last event seen", "ms", "", None),
        ("e2e_pipeline_tail_ms", "pipeline: last generator call returned → last line printed", "ms", "", None),
        ("e2e_storm_cpu_consumer", "vm-storm (the generator) CPU per event (user+sys), count-events listening", "µs", "",
         None),
        ("e2e_storm_cpu_pipeline", "vm-storm CPU per event, vm-pub listening", "µs", "", None),
        ("e2e_libvirtd_cpu_consumer", "libvirtd CPU per event (user+sys), count-events listening", "µs", "", None),
        ("e2e_libvirtd_cpu_pipeline", "libvirtd CPU per event, vm-pub listening", "µs", "", None),
        ("e2e_consumer_cpu", "count-events CPU per event (user+sys, whole process)", "µs", "", None),
        ("e2e_pub_cpu", "vm-pub CPU per event (user+sys)", "µs", "", None),
        ("e2e_broker_cpu", "mosquitto CPU per event (event and retained state in, event out)", "µs", "", None),
        ("e2e_sub_cpu", "vm-sub -o json CPU per event (user+sys, whole process)", "µs", "", None),
    ]),
    ("4. Latency, generator call returned → vm-sub printed the line (QoS 1)", [
        ("lat100_p50", "paced 100 events/s: p50", "ms", "", None),
        ("lat100_p95", "paced 100 events/s: p95", "ms", "", None),
        ("lat100_p99", "paced 100 events/s: p99", "ms", "", None),
        ("lat1000_p50", "paced 1,000 events/s: p50", "ms", "", None),
        ("lat1000_p95", "paced 1,000 events/s: p95", "ms", "", None),
        ("lat1000_p99", "paced 1,000 events/s: p99", "ms", "≤ 5", lambda v: v <= 5),
        ("latmax_p50", "full speed: p50", "ms", "", None),
        ("latmax_p95", "full speed: p95", "ms", "", None),
        ("latmax_p99", "full speed: p99", "ms", "", None),
    ]),
    ("5. vm-sub alone: formatting a pre-published stream", [
        ("sub_rate_mosquitto_sub", "mosquitto_sub -v", "messages/s", "", None),
        ("sub_rate_human", "vm-sub (human)", "messages/s", "", None),
        ("sub_rate_json", "vm-sub -o json", "messages/s", "", None),
        ("sub_rate_template", "vm-sub -F template", "messages/s", "", None),
        ("sub_ratio_human", "human ÷ mosquitto_sub", "×", "≥ 1.0", lambda v: v >= 1.0),
        ("sub_ratio_json", "json ÷ mosquitto_sub", "×", "≥ 1.0", lambda v: v >= 1.0),
        ("sub_ratio_template", "template ÷ mosquitto_sub", "×", "≥ 1.0", lambda v: v >= 1.0),
        ("sub_cpu_us_mosquitto_sub", "mosquitto_sub -v CPU time per message (user+sys)", "µs", "", None),
        ("sub_cpu_us_human", "vm-sub (human) CPU time per message", "µs", "", None),
        ("sub_cpu_us_per_event", "vm-sub -o json CPU time per message", "µs", "", None),
        ("sub_cpu_us_template", "vm-sub -F template CPU time per message", "µs", "", None),
        ("sub_instr_total", "vm-sub -o json instructions per message (callgrind), all", "instructions", "", None),
        ("sub_instr_decode", "… of which decode_any_event (parse and validate, both wire forms)", "instructions", "", None),
        ("sub_instr_encode", "… of which encode_event (the printed JSON)", "instructions", "", None),
    ]),
    ("6. Resource cost", [
        ("pub_rss_idle", "vm-pub RSS, idle", "MiB", "≤ 10", lambda v: v <= 10),
        ("pub_rss_anon_idle", "vm-pub RSS, idle: anonymous (heap, stacks)", "MiB", "", None),
        ("pub_rss_file_idle", "vm-pub RSS, idle: file-backed (binary and shared libraries)", "MiB", "", None),
        ("pub_hwm_storm", "vm-pub peak RSS (VmHWM) after a storm", "MiB", "≤ 20", lambda v: v <= 20),
        ("pub_cpu_us_per_event", "vm-pub CPU time per event (user+sys)", "µs", "≤ 15", lambda v: v <= 15),
        ("pub_sys_us_per_event", "… of which system time (10,000-event storm)", "µs", "", None),
        ("pub_syscalls_per_event", "vm-pub system calls per event (strace -c -f, QoS 1 storm)", "calls", "", None),
        ("pub_reads_per_event", "… of which read", "calls", "", None),
        ("pub_writes_per_event", "… of which write", "calls", "", None),
        ("pub_polls_per_event", "… of which poll", "calls", "", None),
        ("pub_anon_idle", "vm-pub private memory (RssAnon), idle", "MiB", "≤ 4", lambda v: v <= 4),
        ("pub_pss_idle", "vm-pub PSS, idle", "MiB", "", None),
        ("pub_anon_storm", "vm-pub private memory (RssAnon) after a 10,000-event storm, queue drained", "MiB", "≤ 8",
         lambda v: v <= 8),
        ("pub_pss_storm", "vm-pub PSS after a 10,000-event storm, queue drained", "MiB", "", None),
        ("sub_anon_idle", "vm-sub -o json private memory (RssAnon), idle", "MiB", "", None),
        ("sub_pss_idle", "vm-sub -o json PSS, idle", "MiB", "", None),
        ("sub_rss_idle", "vm-sub RSS, idle", "MiB", "≤ 10", lambda v: v <= 10),
        ("sub_hwm_storm", "vm-sub peak RSS (VmHWM) after a storm", "MiB", "≤ 10", lambda v: v <= 10),
        ("sub_hwm_stream", "vm-sub -o json peak RSS after the stream of item 5", "MiB", "≤ 10", lambda v: v <= 10),
        ("pub_wakeups_idle", "vm-pub context switches per second, idle (all threads)", "1/s", "no busy polling", None),
        ("sub_wakeups_idle", "vm-sub context switches per second, idle (all threads)", "1/s", "no busy polling", None),
    ]),
    ("6a. vm-pub instructions per event, by stage (callgrind, QoS 1 storm)", [
        ("pub_instr_total", "all of vm-pub (both threads, libvirt and libmosquitto included)", "instructions", "", None),
        ("pub_instr_libvirt", "libvirt event thread: libvirt's RPC and event dispatch, with our callback", "instructions", "", None),
        ("pub_instr_callback", "… our callback: build the Event, hand it to the main thread", "instructions", "", None),
        ("pub_instr_domain_ref", "… … of which name, UUID, id (virDomainGet*, libvirt's debug formatting)", "instructions", "", None),
        ("pub_instr_main", "main thread, per event: stamping, state tracking, encoding, queue, publish", "instructions", "", None),
        ("pub_instr_state", "… state tracking (StateTracker::apply_lifecycle)", "instructions", "", None),
        ("pub_instr_encode", "… encoding (encode_event and encode_state)", "instructions", "", None),
        ("pub_instr_publish", "… publish (mosquitto_publish_v5: event and retained state)", "instructions", "", None),
        ("pub_instr_inventory", "inventory (MqttSink::inventory_message: coalesced, at most once a second)", "instructions", "", None),
        ("pub_instr_socket", "MQTT socket: reading acknowledgements, writing (mosquitto_loop_read/write)", "instructions", "", None),
    ]),
    ("7. Scale of state", [
        ("scale1000_startup", "vm-pub start-up with 1,000 defined VMs until every retained state is published", "s", "", None),
        ("scale10000_startup", "vm-pub start-up with 10,000 defined VMs until every retained state is published", "s", "", None),
        ("scale1000_list", "vm-sub --list over 1,000 retained states", "s", "", None),
        ("scale10000_list", "vm-sub --list over 10,000 retained states", "s", "", None),
    ]),
    ("8. vm-sub --watch (10,000 VMs; --quick: 1,000)", [
        ("watch_first_screen", "start → every retained VM on the first screen", "s", "", None),
        ("watch_rss", "RSS with every VM loaded", "MiB", "< 32", lambda v: v < 32),
        ("watch_rss_anon", "RSS with every VM loaded: anonymous (heap)", "MiB", "", None),
        ("watch_pss", "PSS with every VM loaded", "MiB", "", None),
        ("watch_storm_rate", "storm: events published per second", "events/s", "", None),
        ("watch_storm_redraws", "storm: redraws per second", "1/s", "≤ about 10", lambda v: v <= 11),
        ("watch_storm_cpu", "storm: vm-sub CPU (user+sys), % of one core", "%", "bounded", None),
        ("watch_storm_hwm", "storm: vm-sub peak RSS (VmHWM)", "MiB", "< 32", lambda v: v < 32),
        ("watch_storm_rss_anon", "storm: vm-sub RSS after it, anonymous", "MiB", "", None),
        ("watch_latency_p50", "one event a second: published → on the screen, p50", "ms", "", None),
        ("watch_latency_p95", "one event a second: published → on the screen, p95", "ms", "≤ 200", lambda v: v <= 200),
        ("watch_latency_max", "one event a second: published → on the screen, max", "ms", "", None),
    ]),
]


# The report's one hand-written section (its heading included): what each
# change to vm-pub gained. It is history, not a figure of this run, so it
# lives in docs/benchmarks.md itself between these two markers, and every
# report copies it, markers included, from the file it replaces.
KEPT_BEGIN = "<!-- vm-pub changes: hand-written; bench/analyze.py copies this section, markers included, into each new report -->"
KEPT_END = "<!-- end of the hand-written vm-pub changes -->"


def kept_section(path):
    """The hand-written section of the report at `path` (markers included) as
    a list of lines; a placeholder, with a warning on stderr, when the file
    or its markers are missing."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        text = ""
    begin, end = text.find(KEPT_BEGIN), text.find(KEPT_END)
    if begin < 0 or end < begin:
        print("analyze: %s has no hand-written vm-pub changes section; writing an empty one "
              "(the previous one is in git)" % path, file=sys.stderr)
        return [KEPT_BEGIN, "## vm-pub: what each change gained", "", "No change recorded.", KEPT_END]
    return text[begin:end + len(KEPT_END)].split("\n")


def read_results(path):
    """{key: [values]} from 'KEY VALUE' lines."""
    values = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    try:
                        values.setdefault(parts[0], []).append(float(parts[1]))
                    except ValueError:
                        pass
    return values


def fmt(v):
    """A figure with sensible precision."""
    if v is None:
        return "–"
    a = abs(v)
    if a >= 1000:
        return "{:,.0f}".format(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def med(values, key):
    """Median of a figure's runs, or None."""
    return statistics.median(values[key]) if values.get(key) else None


def why_missed(values, key, meta=None):
    """A plain sentence on why a figure missed its target, from other measured
    figures of the same run; "" when the run gives no evidence."""
    if key == "gain_q1":
        ratio, vm_ratio = med(values, "classic_ratio_q1"), med(values, "tp_ratio_q1")
        if ratio is not None and vm_ratio is not None and ratio >= 0.8:
            return (" A delivered rate cannot exceed libvirtd's emission rate (vm-storm tops out at a few thousand "
                    "events/s here), and on loopback without TLS classic-pub kept up with it nearly as well as "
                    "vm-pub (delivery ratio %s against %s), so this ratio stays near 1 on this machine; the design's "
                    "cost shows in CPU per event (vm-pub %s µs, classic-pub %s µs; mosquitto %s µs per event with "
                    "vm-pub, %s µs with classic-pub) and in the TLS figure." % (
                        fmt(ratio), fmt(vm_ratio), fmt(med(values, "pub_cpu_us_per_event")),
                        fmt(med(values, "classic_cpu_us_per_event")),
                        fmt(med(values, "broker_cpu_us_per_event_vmpub")),
                        fmt(med(values, "broker_cpu_us_per_event_classic"))))
    if key in ("pub_rss_idle", "pub_hwm_storm"):
        anon, filed = med(values, "pub_rss_anon_idle"), med(values, "pub_rss_file_idle")
        if anon is not None and filed is not None:
            return (" Of vm-pub's idle RSS, %s MiB are file-backed pages (its binary and the shared libraries "
                    "libvirt pulls in, shared with other processes) and %s MiB anonymous memory." % (fmt(filed), fmt(anon)))
    if key == "pub_cpu_us_per_event":
        total, lv, cb = med(values, "pub_instr_total"), med(values, "pub_instr_libvirt"), med(values, "pub_instr_callback")
        main, sock = med(values, "pub_instr_main"), med(values, "pub_instr_socket")
        if None not in (total, lv, cb, main, sock):
            text = (" callgrind counts %s instructions per event in vm-pub: %s on libvirt's event thread (libvirt's "
                    "own RPC decoding, event dispatch and object bookkeeping, which any consumer pays; our callback "
                    "is %s of it), %s on the main thread (stamping, state tracking, encoding, publishing) and %s in "
                    "libmosquitto's socket reads and writes." % (fmt(total), fmt(lv), fmt(cb), fmt(main), fmt(sock)))
            calls, reads, writes = (med(values, k) for k in ("pub_syscalls_per_event", "pub_reads_per_event",
                                                             "pub_writes_per_event"))
            if None not in (calls, reads, writes):
                sys_us = med(values, "pub_sys_us_per_event")
                if sys_us is not None:
                    text += " Of the CPU time, %s µs per event is system time." % fmt(sys_us)
                text += (" The kernel's share, which callgrind does not count, comes from %s system calls per "
                         "event (%s reads, %s writes). They are the libraries' way of working, not ours: libmosquitto "
                         "reads each acknowledgement a few bytes per read(2) (command, length, packet id, then a read "
                         "that finds nothing) and writes one byte to its internal socket pair before every packet "
                         "(to wake a select loop vm-pub does not use), and libvirt reads each event message in two "
                         "reads and wakes its GLib loop through an eventfd; vm-pub's own eventfd write is made once "
                         "per batch." % (fmt(calls), fmt(reads), fmt(writes)))
            return text + " The figure is read from /proc in 10 ms ticks on a shared machine."
        return ""
    if key in ("sub_ratio_human", "sub_ratio_json", "sub_ratio_template"):
        mode = key[len("sub_ratio_"):]
        cpu = med(values, "sub_cpu_us_per_event" if mode == "json" else "sub_cpu_us_" + mode)
        ref = med(values, "sub_cpu_us_mosquitto_sub")
        if cpu is None or ref is None:
            return ""
        text = (" vm-sub (%s) took %s µs of CPU per message where mosquitto_sub -v took %s µs: vm-sub decodes and "
                "validates every payload strictly (schema, types, UTF-8, topic against payload, seq gaps) and "
                "formats it anew, where mosquitto_sub copies bytes." % (mode, fmt(cpu), fmt(ref)))
        total, decode, encode = (med(values, k) for k in ("sub_instr_total", "sub_instr_decode", "sub_instr_encode"))
        if None not in (total, decode, encode):
            text += (" Profiled with callgrind (-o json, every mode shares the decoder): %s instructions per "
                     "message, %s of them in decode_event and %s in encode_event. What remains is the price of "
                     "checking every message, which mosquitto_sub does not do; a JSON lexer of our own instead of "
                     "nlohmann's would be the next step, and the project keeps nlohmann."
                     % (fmt(total), fmt(decode), fmt(encode)))
        return text
    if key in ("pub_anon_idle", "pub_anon_storm"):
        idle, storm = med(values, "pub_anon_idle"), med(values, "pub_anon_storm")
        pss_idle, pss_storm = med(values, "pub_pss_idle"), med(values, "pub_pss_storm")
        if idle is None:
            return ""
        text = " vm-pub's RssAnon was %s MiB idle (PSS %s MiB)" % (fmt(idle), fmt(pss_idle))
        if storm is not None:
            text += (" and %s MiB after the storm, queue drained (PSS %s MiB): the storm %s"
                     % (fmt(storm), fmt(pss_storm),
                        "grew it by %s MiB" % fmt(storm - idle) if storm > idle else "did not grow it"))
        return text + "."
    if key == "e2e_ratio":
        return why_e2e_missed(values, meta or {})
    return ""


def why_e2e_missed(values, meta):
    """Why the pipeline fell behind the cheapest consumer: whether the storm
    itself ran slower or delivery lagged after it, and the CPU each process
    took per event against the machine's CPUs."""
    keys = ("e2e_consumer_rate", "e2e_pipeline_rate", "e2e_consumer_gen_rate", "e2e_pipeline_gen_rate",
            "e2e_consumer_tail_ms", "e2e_pipeline_tail_ms")
    c_rate, p_rate, c_gen, p_gen, c_tail, p_tail = (med(values, k) for k in keys)
    if None in (c_rate, p_rate, c_gen, p_gen, c_tail, p_tail):
        return ""
    text = (" With only count-events listening, libvirtd emitted the storm at %s events/s (medians) and the last "
            "event reached count-events %s ms after the last generator call returned; with vm-pub listening, "
            "libvirtd emitted it at %s events/s and vm-sub printed the last line %s ms after it."
            % (fmt(c_gen), fmt(c_tail), fmt(p_gen), fmt(p_tail)))
    # Per storm event, in µs: the time to the last event seen with each
    # consumer, and how much of the difference is the storm itself running
    # slower (the generator waits for each libvirtd reply) rather than a tail.
    c_per, p_per = 1e6 / c_rate, 1e6 / p_rate
    if p_per > c_per:
        text += (" Storm start → last event took %s µs per storm event with the pipeline, %s with count-events; of "
                 "the %s µs more, %s µs is the storm itself running slower (libvirtd's emission; the generator waits "
                 "for each reply), the rest the difference in tails above."
                 % (fmt(p_per), fmt(c_per), fmt(p_per - c_per), fmt(1e6 / p_gen - 1e6 / c_gen)))
    cpu = {k: med(values, "e2e_" + k) for k in ("libvirtd_cpu_consumer", "storm_cpu_consumer", "consumer_cpu",
                                                 "libvirtd_cpu_pipeline", "storm_cpu_pipeline", "pub_cpu",
                                                 "broker_cpu", "sub_cpu")}
    if None not in cpu.values():
        c_sum = cpu["libvirtd_cpu_consumer"] + cpu["storm_cpu_consumer"] + cpu["consumer_cpu"]
        p_sum = (cpu["libvirtd_cpu_pipeline"] + cpu["storm_cpu_pipeline"] + cpu["pub_cpu"] + cpu["broker_cpu"] +
                 cpu["sub_cpu"])
        text += (" CPU per event (user+sys, medians): libvirtd %s µs, vm-storm %s, count-events %s (%s in all) "
                 "against libvirtd %s µs, vm-storm %s, vm-pub %s, mosquitto %s, vm-sub %s (%s in all). At "
                 "count-events' pace the pipeline run's processes would keep %s CPUs busy (the consumer run's: "
                 "%s), on a machine with %s CPUs%s."
                 % (fmt(cpu["libvirtd_cpu_consumer"]), fmt(cpu["storm_cpu_consumer"]), fmt(cpu["consumer_cpu"]),
                    fmt(c_sum), fmt(cpu["libvirtd_cpu_pipeline"]), fmt(cpu["storm_cpu_pipeline"]),
                    fmt(cpu["pub_cpu"]), fmt(cpu["broker_cpu"]), fmt(cpu["sub_cpu"]), fmt(p_sum),
                    fmt(p_sum * c_rate / 1e6), fmt(c_sum * c_rate / 1e6), meta.get("nproc", "?"),
                    (" (load average at the end of the run: %s)" % meta["load"].split(" (")[0])
                    if meta.get("load") else ""))
    return text


def figure_row(values, key, label, unit, target, check, missed, meta=None):
    """One table row; appends a sentence on its target, if it has one, to
    `missed`: met, missed (with the reason why_missed finds) or not measured."""
    vals = values.get(key)
    if not vals:
        if check is not None:
            missed.append("%s: target %s: **not measured** (see the notes from this run)." % (label, target))
        return "| %s | not measured | | | %s | %s |" % (label, unit, target)
    median = statistics.median(vals)
    verdict = ""
    if check is not None:
        verdict = " (met)" if check(median) else " (**missed**)"
        if check(median):
            missed.append("%s: median %s %s, target %s: met." % (label, fmt(median), unit, target))
        else:
            missed.append("%s: median %s %s, target %s: **missed**.%s" % (
                label, fmt(median), unit, target, why_missed(values, key, meta)))
    return "| %s | %s | %s | %s | %s | %s%s |" % (
        label, fmt(min(vals)), fmt(median), fmt(max(vals)), unit, target, verdict)


def plot(values, png):
    """Latency percentiles against event rate (medians over runs), via gnuplot."""
    rows = []
    for prefix, rate_key in (("lat100", None), ("lat1000", None), ("latmax", "gen_rate")):
        rate = 100.0 if prefix == "lat100" else 1000.0
        if rate_key:
            if not values.get(rate_key):
                continue
            rate = statistics.median(values[rate_key])
        ps = [values.get("%s_p%d" % (prefix, p)) for p in (50, 95, 99)]
        if all(ps):
            rows.append((rate, [statistics.median(p) for p in ps]))
    if not rows:
        return False
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for rate, ps in sorted(rows):
            dat.write("%g %g %g %g\n" % (rate, ps[0], ps[1], ps[2]))
    script = """
set terminal pngcairo size 800,500 noenhanced
set output '%s'
set title 'vm-pub -> mosquitto -> vm-sub -o json: latency vs event rate (QoS 1, medians of runs)'
set xlabel 'lifecycle events per second (log)'
set ylabel 'latency, ms (log)'
set logscale xy
set grid
set key top left
plot '%s' using 1:2 with linespoints title 'p50', '' using 1:3 with linespoints title 'p95', '' using 1:4 with linespoints title 'p99'
""" % (png, dat.name)
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print("analyze: gnuplot failed: %s" % e, file=sys.stderr)
        return False
    finally:
        os.unlink(dat.name)


def report(args):
    values = read_results(args.results)
    with open(args.meta) as f:
        meta = json.load(f)
    missed = []
    lines = ["# Benchmarks", "",
             "Generated by `bench/run.sh%s` on %s. Do not edit by hand: run the script again. The one "
             "exception is the section \"vm-pub: what each change gained\", written by hand between its two "
             "HTML comment markers and copied from report to report." %
             (" --quick" if meta.get("quick") else "", meta.get("date", "?")), "",
             "Each figure is measured over several runs (%s per figure unless noted) and shown as min / median / max. "
             "Targets are reported, not asserted; a benchmark never fails on speed." % meta.get("runs", "?"), "",
             "## Machine", ""]
    for k in ("cpu", "nproc", "kernel", "load", "libvirt", "mosquitto", "compiler", "build"):
        lines.append("- %s: %s" % (k, meta.get(k, "?")))
    lines += ["", "## Method", ""] + ["- " + m for m in meta.get("method", [])]
    for title, figures in SECTIONS:
        lines += ["", "## " + title, "", "| figure | min | median | max | unit | target |", "|---|---|---|---|---|---|"]
        lines += [figure_row(values, *fig, missed=missed, meta=meta) for fig in figures]
    if plot(values, args.plot):
        lines += ["", "## Latency against event rate", "", "![latency percentiles vs event rate](%s)" % os.path.basename(args.plot)]
    lines += [""] + kept_section(args.out)
    lines += ["", "## Targets", ""]
    lines += ["- " + m for m in missed] if missed else ["No figure with a target was measured."]
    notes = meta.get("notes", [])
    if notes:
        lines += ["", "## Notes from this run", ""] + ["- " + n for n in notes]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    la = sub.add_parser("latency")
    la.add_argument("--times", required=True)
    la.add_argument("--stamped", required=True)
    la.add_argument("--name", required=True)
    la.add_argument("--format", choices=["json", "virsh"], default="json")
    ca = sub.add_parser("count")
    ca.add_argument("--times", required=True)
    ca.add_argument("--tally", required=True)
    ra = sub.add_parser("report")
    ra.add_argument("--results", required=True)
    ra.add_argument("--meta", required=True)
    ra.add_argument("--out", required=True)
    ra.add_argument("--plot", required=True)
    args = ap.parse_args()
    {"latency": latency, "count": count, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
