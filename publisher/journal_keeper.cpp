#include "publisher/journal_keeper.h"

#include "common/sanitize.h"
#include "common/time.h"
#include "common/topic.h"

namespace vme::pub {

using std::chrono::milliseconds;

JournalKeeper::JournalKeeper(std::string prefix, std::string host, std::size_t max_events, long long start_ms,
                             io::EventLoop& loop, Send send, Log log, Unsubscribe unsubscribe)
    : prefix_(std::move(prefix)),
      host_(std::move(host)),
      topic_(journal_topic(prefix_, host_)),
      buffer_(max_events, start_ms),
      loop_(loop),
      send_(std::move(send)),
      log_(std::move(log)),
      unsubscribe_(std::move(unsubscribe)) {}

JournalKeeper::~JournalKeeper() {
    if (timer_ != 0) loop_.cancel(timer_);
    if (restore_timer_ != 0) loop_.cancel(restore_timer_);
}

void JournalKeeper::add(std::string_view event_payload, long long time_ms) {
    buffer_.add(event_payload, time_ms);
    dirty_ = true;
    if (phase_ == Phase::Live) schedule();
}

void JournalKeeper::on_connected() {
    if (phase_ == Phase::Restoring) {
        if (restore_timer_ == 0) restore_timer_ = loop_.after(kRestoreWait, [this] {
            restore_timer_ = 0;
            go_live();
        });
        return;
    }
    dirty_ = true;
    schedule();
}

void JournalKeeper::on_retained(std::string_view payload) {
    if (phase_ != Phase::Restoring || payload.empty()) return;
    auto earlier = decode_journal(payload);
    if (!earlier) {
        log_("history: the retained journal is unreadable (" + earlier.error().message + "); starting a new one");
    } else if (earlier->host != host_) {
        log_("history: the retained journal names host '" + sanitize(earlier->host) + "'; starting a new one");
    } else {
        std::size_t taken = buffer_.restore(*earlier);
        log_("history: restored " + std::to_string(taken) + " events from the broker");
    }
    go_live();
}

void JournalKeeper::flush() {
    if (phase_ != Phase::Live || !dirty_) return;
    if (timer_ != 0) loop_.cancel(timer_);
    timer_ = 0;
    publish();
}

std::string JournalKeeper::snapshot(std::optional<long long> since_ms) const {
    return buffer_.encode(utc_now_iso(), host_, since_ms);
}

void JournalKeeper::go_live() {
    if (phase_ == Phase::Live) return;
    phase_ = Phase::Live;
    if (restore_timer_ != 0) loop_.cancel(restore_timer_);
    restore_timer_ = 0;
    unsubscribe_(topic_);
    dirty_ = true;
    schedule();
}

void JournalKeeper::schedule() {
    if (timer_ != 0 || !dirty_) return;
    auto due = last_publish_ + std::chrono::seconds(1);
    auto now = io::EventLoop::Clock::now();
    if (due <= now) return publish();
    timer_ = loop_.after(std::chrono::ceil<milliseconds>(due - now), [this] {
        timer_ = 0;
        if (dirty_) publish();
    });
}

void JournalKeeper::publish() {
    dirty_ = false;
    last_publish_ = io::EventLoop::Clock::now();
    send_(Message{topic_, buffer_.encode(utc_now_iso(), host_), 1, true, {}});
}

}  // namespace vme::pub
