#include "subscriber/subscriber.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <exception>

#include "common/format.h"
#include "common/sanitize.h"
#include "common/topic.h"
#include "subscriber/event_stream.h"
#include "subscriber/history_run.h"
#include "subscriber/list_run.h"
#include "subscriber/message_handler.h"
#include "subscriber/watch_mode.h"
#include "subscriber/watch_run.h"

namespace vme::sub {
namespace {

using std::chrono::milliseconds;

/// Writes parse_options() text (help, version, usage line) in one write.
void write_all(int fd, const std::string& text) {
    if (text.empty()) return;
    LineWriter writer(fd);
    std::string_view body = text;
    if (body.back() == '\n') body.remove_suffix(1);
    writer.write_line(body);
}

/// "5", "2.5", "0.25": a duration in seconds without trailing zeros.
std::string seconds_text(milliseconds ms) {
    std::string text = std::to_string(ms.count() / 1000);
    if (long long rest = ms.count() % 1000; rest != 0) {
        char frac[8];
        std::snprintf(frac, sizeof frac, ".%03lld", rest);
        text += frac;
        while (text.back() == '0') text.pop_back();
    }
    return text;
}

/// Parses, resolves and builds everything; runs when all of it is right.
int run_checked(int argc, char** argv) {
    ParseOutcome parsed = parse_options(argc, argv);
    write_all(1, parsed.out);
    write_all(2, parsed.err);
    if (!parsed.options) return parsed.exit_code;
    const Options& options = *parsed.options;
    Diagnostics diag("vm-sub", options.verbose);
    if (options.watch) {
        if (auto why = watch_refusal(::isatty(1) == 1); !why.empty()) {
            diag.say(why);
            return kExitUsage;
        }
    }
    std::string warning;
    auto config = connection_config(options, warning);
    if (!warning.empty()) diag.say("warning: " + warning);
    auto printer = EventPrinter::create(options);
    if (!config || !printer) {
        diag.say(!config ? config.error().message : printer.error().message);
        return kExitUsage;
    }
    // A reader that goes away (`| head -1`) must give EPIPE, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    io::SignalFd signals = options.watch ? io::SignalFd({SIGINT, SIGTERM, SIGCHLD, SIGHUP, SIGWINCH})
                                         : io::SignalFd({SIGINT, SIGTERM, SIGCHLD});
    if (signals.fd() < 0) {
        diag.say(std::string("cannot create a signalfd: ") + std::strerror(errno));
        return kExitFailure;
    }
    Subscriber subscriber(options, std::move(*config), std::move(*printer), signals);
    return subscriber.run();
}

}  // namespace

int run_vm_sub(int argc, char** argv) {
    try {
        return run_checked(argc, argv);
    } catch (const std::exception& e) {
        Diagnostics("vm-sub", 0).say(std::string("internal error: ") + e.what());
        return kExitFailure;
    }
}

Result<io::ConnectionConfig> connection_config(const Options& options, std::string& warning) {
    auto config = io::resolve_client_options(options.client, "vm-sub", warning);
    if (!config) return config;
    if (!options.session.empty()) {
        config->client_id = "vm-sub-" + options.session;
        config->clean_session = false;
        config->session_expiry = options.session_expiry;
    }
    return config;
}

std::unique_ptr<Mode> make_mode(const Options& options, const std::string& broker, EventPrinter& printer,
                                Diagnostics& diag, ModeHost& host) {
    if (options.list) return std::make_unique<ListRun>(options, printer, diag, host);
    if (options.watch) return std::make_unique<WatchRun>(options, broker, diag, host);
    if (options.since_ms) return std::make_unique<HistoryRun>(options, printer, diag, host);
    return std::make_unique<LiveMode>(options, printer, diag, host);
}

Subscriber::Subscriber(const Options& options, io::ConnectionConfig config, EventPrinter printer,
                       io::SignalFd& signals)
    : options_(options),
      config_(std::move(config)),
      diag_("vm-sub", options.verbose),
      printer_(std::move(printer)),
      signals_(signals),
      mode_(make_mode(options, sanitize(describe(config_.url)), printer_, diag_, *this)),
      connection_(io::ConnectRules{options.retries, is_one_shot(options)}) {}

int Subscriber::run() {
    auto client = io::MqttClient::create(config_, loop_, *this, callback_errors_);
    if (!client) {
        diag_.say("cannot set up the MQTT client: " + client.error().message);
        return kExitFailure;
    }
    client_ = std::move(*client);
    loop_.watch(signals_.fd(), POLLIN, [this](short) { on_signal(); });
    if (auto st = mode_->start(); !st) {
        diag_.say(st.error().message);
        return kExitFailure;
    }
    if (options_.timeout_s > 0) {
        auto ms = milliseconds(static_cast<long long>(options_.timeout_s * 1000.0 + 0.5));
        timeout_timer_ = loop_.after(ms, [this] { finish(kExitTimeout); });
    }
    // Output goes out whenever the loop is about to wait, so a burst of
    // events costs a few large writes and a lone event is never held.
    printer_.out().set_batched(true);
    loop_.before_sleep([this] {
        if (!printer_.out().flush()) finish(kExitOk);  // reader gone
    });
    arm_connect_deadline();
    client_->start();
    if (exit_status_ < 0) loop_.run();
    mode_->close();  // the terminal back first, then what stderr had to say
    printer_.out().flush();
    client_->stop();
    if (auto errors = callback_errors_.total(); errors > 0)
        diag_.say("callback errors: " + std::to_string(errors) + " messages dropped after an internal error");
    return exit_status_ < 0 ? kExitFailure : exit_status_;
}

void Subscriber::on_signal() {
    while (int sig = signals_.read_signal()) {
        if (sig == SIGCHLD) {
            mode_->on_child_exit();
        } else if (sig == SIGWINCH) {
            mode_->on_resize();
        } else {
            finish(mode_->interrupted_status());
        }
    }
}

void Subscriber::arm_connect_deadline() {
    const auto deadline = connect_deadline(options_);
    if (deadline.count() == 0 || connect_deadline_timer_ != 0) return;
    connect_deadline_timer_ = loop_.after(deadline, [this] {
        connect_deadline_timer_ = 0;
        on_connect_deadline();
    });
}

void Subscriber::on_connect_deadline() {
    if (exit_status_ >= 0 || client_->connected()) return;
    // What failed last, else how far the attempt under way has got.
    std::optional<ConnectCause> cause = connection_.last_cause();
    if (!cause) cause = client_->unanswered();
    const std::string why = cause ? sanitize(cause->text) : "no answer";
    diag_.say("cannot connect to " + sanitize(describe(config_.url)) + ": " + why + " (no connection within " +
              seconds_text(connect_deadline(options_)) + " s, --connect-timeout)");
    finish(kExitUnavailable);
}

void Subscriber::on_connected(bool session_present) {
    connection_.connected();
    loop_.cancel(connect_deadline_timer_);
    connect_deadline_timer_ = 0;
    mode_->on_connected();
    diag_.verbose("connected to " + sanitize(describe(config_.url)) +
                  (session_present ? " (session resumed)" : ""));
    // Subscribe on every connect: cheap, and right also when the broker
    // lost the session.
    auto mid = client_->subscribe(mode_->subscriptions(), options_.qos);
    if (!mid) {
        diag_.say("cannot subscribe: " + mid.error().message);
        return finish(kExitFailure);
    }
    subscribe_mid_ = *mid;
}

void Subscriber::on_disconnected(const ConnectCause& cause) {
    if (exit_status_ >= 0) return;
    const std::string reason = sanitize(cause.text);
    const io::FailureVerdict verdict = connection_.failed(cause);
    mode_->on_disconnected(reason, connection_.ever_connected());
    const std::string url = sanitize(describe(config_.url));
    switch (verdict.give_up) {
    case io::GiveUp::Retries:
        diag_.say("cannot connect to " + url + ": " + reason + " (gave up after " + std::to_string(verdict.attempts) +
                  " attempts)");
        return finish(kExitUnavailable);
    case io::GiveUp::Permanent:
        diag_.say("cannot connect to " + url + ": " + reason + " (retrying cannot fix this)");
        return finish(kExitUnavailable);
    case io::GiveUp::No: break;
    }
    arm_connect_deadline();
    if (!verdict.say) return;
    diag_.say((verdict.lost ? "connection to " + url + " lost: " : "cannot connect to " + url + ": ") + reason +
              "; retrying");
}

void Subscriber::on_subscribed(int mid, const std::vector<int>& granted) {
    if (mid != subscribe_mid_) return;
    int lowest = options_.qos;
    for (int qos : granted) {
        if (qos >= 128) {
            diag_.say(options_.share.empty()
                          ? "the broker refused the subscription (not authorised for these topics?)"
                          : "the broker refused the shared subscription (not authorised, or no "
                            "shared subscriptions on this broker?)");
            return finish(kExitFailure);
        }
        lowest = std::min(lowest, qos);
    }
    // Said once: RabbitMQ, for one, grants QoS 1 at most.
    if (lowest < options_.qos && !subscribed_)
        diag_.say("warning: the broker granted QoS " + std::to_string(lowest) + " (asked for " +
                  std::to_string(options_.qos) + ")");
    diag_.verbose("subscribed (" + std::to_string(granted.size()) + " topic filters)");
    const bool first = !subscribed_;
    subscribed_ = true;
    mode_->on_subscribed(first);
}

void Subscriber::on_message(std::string_view topic, std::string_view payload, bool retained,
                            const io::MessageProperties&) {
    // Called from libmosquitto's callback: nothing may escape into C.
    try {
        if (exit_status_ < 0) mode_->on_message(topic, payload, retained);
    } catch (const std::exception& e) {
        // Counted and said (at most once a while per kind), like vm-pub's.
        callback_errors_.record("mqtt message", "on " + shown(topic) + ": " + e.what());
    } catch (...) {
        callback_errors_.record("mqtt message", "on " + shown(topic) + ": unknown exception");
    }
}

void Subscriber::cancel_timeout() {
    loop_.cancel(timeout_timer_);
    timeout_timer_ = 0;
}

Status Subscriber::publish(const std::string& topic, const std::string& payload) {
    auto mid = client_->publish(topic, payload, 1, false);
    if (!mid) return mid.error();
    return Ok{};
}

void Subscriber::unsubscribe(const std::string& filter) { (void)client_->unsubscribe(filter); }

void Subscriber::finish(int exit_status) {
    if (exit_status_ < 0) exit_status_ = exit_status;
    loop_.stop();
}

}  // namespace vme::sub
