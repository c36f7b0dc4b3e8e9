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
#include <random>

#include "common/sanitize.h"
#include "common/time.h"
#include "common/topic.h"

namespace vme::sub {
namespace {

using std::chrono::milliseconds;

/// How long --list waits for retained messages at most, whatever arrives.
constexpr milliseconds kListHardCap{10000};

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

std::vector<std::string> subscriptions(const Options& options) {
    if (options.list) return list_subscriptions(options.prefix, options.filter);
    if (options.watch) {
        // What --list reads, plus the events.
        std::vector<std::string> topics = list_subscriptions(options.prefix, options.filter);
        for (auto& topic : event_subscriptions(options.prefix, options.filter)) topics.push_back(std::move(topic));
        return topics;
    }
    std::vector<std::string> topics = options.topics;
    if (topics.empty()) topics = event_subscriptions(options.prefix, options.filter);
    if (!options.share.empty()) {
        for (auto& topic : topics) topic = "$share/" + options.share + "/" + topic;
    }
    if (!options.topics.empty()) return topics;
    // Host online/offline lines exist only in human output.
    if (options.output == OutputMode::Human && options.print_events) {
        for (auto& topic : status_subscriptions(options.prefix, options.filter)) topics.push_back(std::move(topic));
    }
    return topics;
}

Subscriber::Subscriber(const Options& options, io::ConnectionConfig config, EventPrinter printer,
                       io::SignalFd& signals)
    : options_(options),
      config_(std::move(config)),
      diag_("vm-sub", options.verbose),
      printer_(std::move(printer)),
      handler_(handler_config(options), diag_, *this),
      signals_(signals),
      connection_(io::ConnectRules{options.retries, is_one_shot(options)}) {
    if (options.list) list_.emplace(options.prefix, options.filter, diag_);
    if (options.watch) {
        watch_.emplace(options, sanitize(describe(config_.url)), loop_, diag_, [this] { finish(kExitOk); });
    }
    if (!options.exec.empty()) exec_.emplace(options.exec, diag_);
    if (options.since_ms)
        history_.emplace(options.prefix, options.filter, *options.since_ms, options.until_ms, diag_);
    if (options.roll_call && (list_ || history_ || watch_)) {
        std::random_device random;
        char id[24];
        std::snprintf(id, sizeof id, "vs%08x%08x", random(), random());
        reply_id_ = id;
    }
}

int Subscriber::run() {
    auto client = io::MqttClient::create(config_, loop_, *this, callback_errors_);
    if (!client) {
        diag_.say("cannot set up the MQTT client: " + client.error().message);
        return kExitFailure;
    }
    client_ = std::move(*client);
    loop_.watch(signals_.fd(), POLLIN, [this](short) { on_signal(); });
    if (watch_) {
        if (auto st = watch_->start(); !st) {
            diag_.say("--watch: " + st.error().message);
            return kExitFailure;
        }
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
    if (watch_) watch_->close();  // the terminal back first, then what stderr had to say
    printer_.out().flush();
    client_->stop();
    return exit_status_ < 0 ? kExitFailure : exit_status_;
}

void Subscriber::on_signal() {
    while (int sig = signals_.read_signal()) {
        if (sig == SIGCHLD) {
            if (exec_) exec_->on_child_exit();
            finish_when_done();
        } else if (sig == SIGWINCH) {
            if (watch_) watch_->on_resize();
        } else {
            finish(interrupted_status());
        }
    }
}

int Subscriber::interrupted_status() const {
    if (options_.list) return kExitInterrupted;
    return options_.count > 0 && !count_reached_ ? kExitInterrupted : kExitOk;
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
    if (watch_) watch_->set_link(WatchLink{WatchLink::Phase::Connected, {}});
    diag_.verbose("connected to " + sanitize(describe(config_.url)) +
                  (session_present ? " (session resumed)" : ""));
    // Subscribe on every connect: cheap, and right also when the broker
    // lost the session.
    auto mid = client_->subscribe(current_subscriptions(), options_.qos);
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
    if (watch_) {
        watch_->set_link(WatchLink{connection_.ever_connected() ? WatchLink::Phase::Lost : WatchLink::Phase::Connecting,
                                   reason});
    }
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
    if ((list_ || history_) && !subscribed_) start_list_timers();
    // --watch asks once, when the retained messages have had time to come:
    // live hosts answer, also those whose retained messages live on
    // another node of a clustered broker.
    if (watch_ && !reply_id_.empty() && !subscribed_)
        loop_.after(milliseconds(options_.list_wait_ms), [this] {
            if (!roll_call_sent_) send_roll_call();
        });
    subscribed_ = true;
}

void Subscriber::on_message(std::string_view topic, std::string_view payload, bool retained,
                            const io::MessageProperties&) {
    // Called from libmosquitto's callback: nothing may escape into C.
    try {
        dispatch(topic, payload, retained);
    } catch (const std::exception& e) {
        diag_.warn("on " + shown(topic) + ": internal error: " + shown(e.what()) + "; skipped");
    } catch (...) {
        diag_.warn("on " + shown(topic) + ": internal error; skipped");
    }
}

void Subscriber::dispatch(std::string_view topic, std::string_view payload, bool retained) {
    if (exit_status_ >= 0) return;
    // A roll-call answer is a copy of a host's own topic: read it as that.
    std::optional<std::string> origin;
    if (!reply_id_.empty()) origin = origin_of_reply(options_.prefix, reply_id_, topic);
    if (origin) topic = *origin;
    if (watch_) {
        // Events through the pipeline (checks, filter, seq), the rest to the screen.
        auto parts = parse_topic(options_.prefix, topic);
        if (parts && parts->type == TopicType::Event) return handler_.handle(topic, payload, retained);
        return watch_->on_fleet_message(topic, payload, retained);
    }
    if (list_) {
        list_->add(topic, payload);
        if (subscribed_) rearm_list_quiet_timer();
        return;
    }
    if (history_ && history_->collecting()) {
        auto parts = parse_topic(options_.prefix, topic);
        if (parts && parts->type == TopicType::Journal) {
            history_->add_journal(parts->host, topic, payload);
            return rearm_list_quiet_timer();
        }
        if (!origin) history_->hold(topic, payload, retained);
        return;
    }
    if (origin) return;  // a late answer: the history is out already
    handler_.handle(topic, payload, retained);
}

std::vector<std::string> Subscriber::current_subscriptions() const {
    std::vector<std::string> topics = subscriptions(options_);
    const bool collecting = history_ && history_->collecting();
    if (collecting) {
        for (auto& topic : host_subscriptions(options_.prefix, options_.filter, "journal"))
            topics.push_back(std::move(topic));
    }
    if (!reply_id_.empty() && (list_ || collecting || watch_))
        topics.push_back(reply_base(options_.prefix, reply_id_) + "/#");
    return topics;
}

void Subscriber::on_quiet() {
    list_quiet_timer_ = 0;
    if (!reply_id_.empty() && !roll_call_sent_) return send_roll_call();
    if (list_) return print_list();
    end_history();
}

void Subscriber::send_roll_call() {
    roll_call_sent_ = true;
    std::size_t hosts = list_ ? list_->host_count() : history_ ? history_->hosts() : 0;
    int spread = options_.roll_call_spread_ms >= 0
                     ? options_.roll_call_spread_ms
                     : static_cast<int>(std::min<std::size_t>(kMaxRollCallSpreadMs, 100 + hosts / 5));
    RollCallRequest request{reply_id_, options_.since_ms ? iso_utc_from_ms(*options_.since_ms) : std::string(), spread,
                            options_.filter.hosts};
    // Only the hosts asked for answer; when their globs do not fit a
    // request, every host answers and the filter applies to the answers.
    std::string payload = encode_roll_call_request(request);
    if (request.hosts.size() > kMaxRollCallHosts || payload.size() > kMaxRollCallRequestBytes) {
        request.hosts.clear();
        payload = encode_roll_call_request(request);
    }
    auto mid = client_->publish(roll_call_topic(options_.prefix), payload, 1, false);
    if (!mid) diag_.say("cannot send the roll call: " + mid.error().message);
    diag_.verbose("roll call sent (answers within " + std::to_string(spread) + " ms)");
    answers_due_ = io::EventLoop::Clock::now() + milliseconds(spread);
    loop_.cancel(list_cap_timer_);
    list_cap_timer_ = loop_.after(kListHardCap + milliseconds(spread), [this] { on_quiet(); });
    rearm_list_quiet_timer();
}

void Subscriber::end_history() {
    if (!history_ || !history_->collecting()) return;
    loop_.cancel(list_cap_timer_);
    if (list_quiet_timer_ != 0) loop_.cancel(list_quiet_timer_);
    list_quiet_timer_ = 0;
    auto replay = history_->finish();
    // The journals and answers are not wanted any more.
    for (const auto& topic : host_subscriptions(options_.prefix, options_.filter, "journal")) (void)client_->unsubscribe(topic);
    if (!reply_id_.empty()) (void)client_->unsubscribe(reply_base(options_.prefix, reply_id_) + "/#");
    diag_.verbose("history: " + std::to_string(replay.history.size()) + " events");
    for (const auto& item : replay.history) {
        if (exit_status_ >= 0 || window_closed_) return;
        handler_.handle(item.topic, item.payload, false);
    }
    handler_.set_seam(std::move(replay.seam));
    const long long now = now_ms();
    if (options_.until_ms && *options_.until_ms <= now) return close_window();
    for (const auto& held : replay.live) {
        if (exit_status_ >= 0 || window_closed_) return;
        handler_.handle(held.topic, held.payload, held.retained);
    }
    if (options_.until_ms) loop_.after(milliseconds(*options_.until_ms - now), [this] { close_window(); });
}

void Subscriber::close_window() {
    window_closed_ = true;
    loop_.cancel(timeout_timer_);
    finish_when_done();
}

void Subscriber::on_event(const Event& event) {
    if (watch_) return watch_->on_event(event);
    if (count_reached_ || window_closed_) return;
    if (options_.print_events && !printer_.event(event)) return finish(kExitOk);  // reader gone
    if (exec_) exec_->enqueue(event);
    count_event();
}

void Subscriber::count_event() {
    ++matched_;
    if (options_.count == 0 || matched_ < options_.count) return;
    count_reached_ = true;
    loop_.cancel(timeout_timer_);
    finish_when_done();
}

void Subscriber::finish_when_done() {
    // With --exec, -C waits for the last command to finish.
    if ((count_reached_ || window_closed_) && (!exec_ || exec_->idle())) finish(kExitOk);
}

void Subscriber::on_status(const HostStatus& status, StatusChange change) {
    if (watch_) return;  // statuses reach the screen through on_fleet_message
    if (options_.print_events && !printer_.status(status, change)) finish(kExitOk);
}

void Subscriber::on_foreign(std::string_view topic, std::string_view payload) {
    if (!options_.print_events) return;
    if (!printer_.is_human()) {
        return diag_.warn("on " + shown(topic) + ": not a vm-events/1 event; skipped (" +
                          std::to_string(payload.size()) + " bytes)");
    }
    if (count_reached_) return;
    if (!printer_.raw(topic, payload)) return finish(kExitOk);
    count_event();  // with -t, what the user subscribed to is what -C counts
}

void Subscriber::start_list_timers() {
    rearm_list_quiet_timer();
    list_cap_timer_ = loop_.after(kListHardCap, [this] {
        roll_call_sent_ = true;  // out of time: no roll call any more
        on_quiet();
    });
}

void Subscriber::rearm_list_quiet_timer() {
    if (list_quiet_timer_ != 0) loop_.cancel(list_quiet_timer_);
    auto delay = milliseconds(options_.list_wait_ms);
    auto now = io::EventLoop::Clock::now();
    if (roll_call_sent_ && answers_due_ > now)
        delay = std::chrono::ceil<milliseconds>(answers_due_ - now) + milliseconds(options_.list_wait_ms);
    list_quiet_timer_ = loop_.after(delay, [this] { on_quiet(); });
}

void Subscriber::print_list() {
    if (exit_status_ >= 0) return;
    auto lines = options_.output == OutputMode::Json ? list_->json_lines() : list_->table_lines();
    for (const auto& line : lines) {
        if (!printer_.out().write_line(line)) break;  // reader gone: nothing more to say
    }
    finish(kExitOk);
}

void Subscriber::finish(int exit_status) {
    if (exit_status_ < 0) exit_status_ = exit_status;
    loop_.stop();
}

}  // namespace vme::sub
