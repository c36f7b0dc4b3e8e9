#include "subscriber/event_stream.h"

#include "common/filter.h"

namespace vme::sub {

std::vector<std::string> live_subscriptions(const Options& options) {
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

EventStream::EventStream(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host)
    : options_(options), printer_(printer), diag_(diag), host_(host), handler_(handler_config(options), diag, *this) {
    if (!options.exec.empty()) exec_.emplace(options.exec, diag);
}

void EventStream::close() {
    if (phase_ == Phase::Open) phase_ = Phase::Closed;
    host_.cancel_timeout();
    finish_when_done();
}

void EventStream::on_child_exit() {
    if (exec_) exec_->on_child_exit();
    finish_when_done();
}

int EventStream::interrupted_status() const {
    return options_.count > 0 && phase_ != Phase::CountReached ? kExitInterrupted : kExitOk;
}

void EventStream::on_event(const Event& event) {
    if (phase_ != Phase::Open) return;
    if (options_.print_events && !printer_.event(event)) return host_.finish(kExitOk);  // reader gone
    if (exec_) exec_->enqueue(event);
    count_event();
}

void EventStream::on_status(const HostStatus& status, StatusChange change) {
    if (options_.print_events && !printer_.status(status, change)) host_.finish(kExitOk);
}

void EventStream::on_foreign(std::string_view topic, std::string_view payload) {
    if (!options_.print_events) return;
    if (!printer_.is_human()) {
        return diag_.warn("on " + shown(topic) + ": not a vm-events/1 event; skipped (" +
                          std::to_string(payload.size()) + " bytes)");
    }
    if (phase_ != Phase::Open) return;
    if (!printer_.raw(topic, payload)) return host_.finish(kExitOk);
    count_event();  // with -t, what the user subscribed to is what -C counts
}

void EventStream::count_event() {
    ++matched_;
    if (options_.count == 0 || matched_ < options_.count) return;
    phase_ = Phase::CountReached;
    host_.cancel_timeout();
    finish_when_done();
}

void EventStream::finish_when_done() {
    // With --exec, -C waits for the last command to finish.
    if (phase_ != Phase::Open && (!exec_ || exec_->idle())) host_.finish(kExitOk);
}

}  // namespace vme::sub
