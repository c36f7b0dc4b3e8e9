#include "subscriber/roll_call_client.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "common/time.h"
#include "common/message.h"
#include "common/topic.h"

namespace vme::sub {

using std::chrono::milliseconds;

RollCallSettings roll_call_settings(const Options& options, milliseconds hard_cap) {
    return RollCallSettings{options.prefix,       options.roll_call, milliseconds(options.list_wait_ms), hard_cap,
                            options.roll_call_spread_ms, options.since_ms, options.filter.hosts};
}

std::string new_reply_id() {
    std::random_device random;
    char id[24];
    std::snprintf(id, sizeof id, "vs%08x%08x", random(), random());
    return id;
}

RollCallClient::RollCallClient(RollCallSettings settings, std::string reply_id, io::EventLoop& loop,
                               Diagnostics& diag, Publish publish, HostCount hosts, std::function<void()> done)
    : settings_(std::move(settings)), reply_id_(settings_.ask ? std::move(reply_id) : std::string()), loop_(loop),
      diag_(diag), publish_(std::move(publish)), hosts_(std::move(hosts)), done_(std::move(done)) {
    if (reply_id_.empty()) settings_.ask = false;
}

RollCallClient::~RollCallClient() { cancel_timers(); }

std::string RollCallClient::reply_filter() const {
    return reply_id_.empty() ? std::string() : reply_base(settings_.prefix, reply_id_) + "/#";
}

std::optional<std::string> RollCallClient::origin(std::string_view topic) const {
    if (reply_id_.empty()) return std::nullopt;
    return origin_of_reply(settings_.prefix, reply_id_, topic);
}

void RollCallClient::activity() {
    if (phase_ == Phase::Settling || phase_ == Phase::Answering) arm_quiet();
}

void RollCallClient::step(Trigger trigger) {
    switch (phase_) {
    case Phase::Idle:
        if (trigger == Trigger::Stop) {
            phase_ = Phase::Done;
        } else if (trigger == Trigger::Start) {
            phase_ = Phase::Settling;
            arm_quiet();
            if (settings_.hard_cap.count() > 0)
                cap_timer_ = loop_.after(settings_.hard_cap, [this] {
                    cap_timer_ = 0;
                    step(Trigger::Cap);
                });
        }
        return;
    case Phase::Settling:
        if (trigger == Trigger::Start) return;
        if (trigger == Trigger::Quiet && settings_.ask) {
            phase_ = Phase::Answering;
            return send();
        }
        break;  // quiet without asking, out of time (no roll call any more), or stopped
    case Phase::Answering:
        if (trigger == Trigger::Start) return;
        break;  // the answers had their time, out of time, or stopped
    case Phase::Done: return;
    }
    phase_ = Phase::Done;
    cancel_timers();
    if (trigger != Trigger::Stop && done_) done_();
}

void RollCallClient::send() {
    const std::size_t hosts = hosts_ ? hosts_() : 0;
    const int spread = settings_.spread_ms >= 0
                           ? settings_.spread_ms
                           : static_cast<int>(std::min<std::size_t>(kMaxRollCallSpreadMs, 100 + hosts / 5));
    RollCallRequest request{reply_id_, settings_.since_ms ? iso_utc_from_ms(*settings_.since_ms) : std::string(),
                            spread, settings_.hosts};
    // Only the hosts asked for answer; when their globs do not fit a
    // request, every host answers and the filter applies to the answers.
    std::string payload = encode_roll_call_request(request);
    if (request.hosts.size() > kMaxRollCallHosts || payload.size() > kMaxRollCallRequestBytes) {
        request.hosts.clear();
        payload = encode_roll_call_request(request);
    }
    if (auto sent = publish_(roll_call_topic(settings_.prefix), payload); !sent)
        diag_.say("cannot send the roll call: " + sent.error().message);
    diag_.verbose("roll call sent (answers within " + std::to_string(spread) + " ms)");
    answers_due_ = io::EventLoop::Clock::now() + milliseconds(spread);
    if (settings_.hard_cap.count() > 0) {
        loop_.cancel(cap_timer_);
        cap_timer_ = loop_.after(settings_.hard_cap + milliseconds(spread), [this] {
            cap_timer_ = 0;
            step(Trigger::Cap);
        });
    }
    arm_quiet();
}

void RollCallClient::arm_quiet() {
    if (quiet_timer_ != 0) loop_.cancel(quiet_timer_);
    auto delay = settings_.quiet;
    const auto now = io::EventLoop::Clock::now();
    if (phase_ == Phase::Answering && answers_due_ > now)
        delay = std::chrono::ceil<milliseconds>(answers_due_ - now) + settings_.quiet;
    quiet_timer_ = loop_.after(delay, [this] {
        quiet_timer_ = 0;
        step(Trigger::Quiet);
    });
}

void RollCallClient::cancel_timers() {
    if (quiet_timer_ != 0) loop_.cancel(quiet_timer_);
    if (cap_timer_ != 0) loop_.cancel(cap_timer_);
    quiet_timer_ = cap_timer_ = 0;
}

}  // namespace vme::sub
