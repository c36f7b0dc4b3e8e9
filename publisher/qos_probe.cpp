#include "publisher/qos_probe.h"

#include <algorithm>

#include "common/sanitize.h"

namespace vme::pub {

QosProbe::QosProbe(int asked_qos, std::string topic, io::EventLoop& loop, Hooks hooks,
                   std::chrono::milliseconds timeout)
    : asked_(asked_qos), topic_(std::move(topic)), loop_(loop), hooks_(std::move(hooks)), timeout_(timeout),
      reported_(asked_qos) {}

QosProbe::~QosProbe() { cancel_timer(); }

void QosProbe::connected() {
    disconnected();
    if (asked_ < 2) return;
    auto mid = hooks_.subscribe(topic_, 2);
    if (!mid) {
        // The connection is going away (a disconnect follows) or the
        // library refused: nothing to wait for.
        hooks_.notice("cannot probe the broker's QoS: " + mid.error().message);
        return;
    }
    mid_ = *mid;
    state_ = State::Holding;
    timer_ = loop_.after(timeout_, [this] { timed_out(); });
}

void QosProbe::disconnected() {
    cancel_timer();
    bool was_holding = holding();
    state_ = State::Idle;
    mid_ = -1;
    if (was_holding) hooks_.released();
}

bool QosProbe::subscribed(int mid, const std::vector<int>& granted) {
    if (state_ == State::Idle || mid != mid_) return false;
    cancel_timer();
    state_ = State::Idle;
    mid_ = -1;
    int answer = granted.empty() ? 128 : granted.front();
    if (answer < 0 || answer > 2) {
        // 0x80 (3.1.1) or a v5 reason code >= 0x80: refused, nothing learnt.
        if (!refusal_said_)
            hooks_.notice("the broker refused the QoS probe subscription to " + sanitize(topic_) +
                          "; publishing at QoS " + std::to_string(asked_) + " as asked");
        refusal_said_ = true;
        ceiling_ = 2;
        reported_ = asked_;  // that line said it
    } else {
        ceiling_ = answer;
        report_effective();
    }
    hooks_.unsubscribe(topic_);
    hooks_.released();
    return true;
}

void QosProbe::timed_out() {
    timer_ = 0;
    state_ = State::Late;
    hooks_.notice("no answer to the QoS probe within " + std::to_string(timeout_.count() / 1000) +
                  " s; publishing at QoS " + std::to_string(std::min(asked_, ceiling_)) + " meanwhile");
    hooks_.released();
}

void QosProbe::cancel_timer() {
    if (timer_ != 0) loop_.cancel(timer_);
    timer_ = 0;
}

/// One line when the event QoS changes from what was last said: once for a
/// broker that grants less, not at every reconnect to it.
void QosProbe::report_effective() {
    int effective = std::min(asked_, ceiling_);
    if (effective == reported_) return;
    reported_ = effective;
    std::string asked = std::to_string(asked_), now = std::to_string(effective);
    if (effective < asked_)
        hooks_.notice("the broker grants QoS " + now + " at most; publishing at QoS " + now + " instead of " + asked);
    else
        hooks_.notice("the broker grants QoS " + asked + "; publishing at QoS " + asked + " again");
}

}  // namespace vme::pub
