#include "io/connect_watch.h"

namespace vme::io {

void ConnectionWatch::connected() {
    ever_connected_ = true;
    up_ = true;
    attempts_ = 0;
    said_.clear();
    last_cause_.reset();
}

FailureVerdict ConnectionWatch::failed(const ConnectCause& cause) {
    FailureVerdict verdict;
    verdict.lost = up_;
    up_ = false;
    verdict.attempts = ++attempts_;
    last_cause_ = cause;
    // The same cause again (also after another one, as when a name's
    // addresses fail in turn) says nothing new.
    const bool fresh = said_.insert(cause.text).second;
    verdict.say = verdict.lost || fresh;
    if (rules_.give_up_on_permanent && cause.permanent) verdict.give_up = GiveUp::Permanent;
    else if (rules_.retries > 0 && attempts_ >= rules_.retries) verdict.give_up = GiveUp::Retries;
    if (verdict.give_up != GiveUp::No) verdict.say = true;
    return verdict;
}

}  // namespace vme::io
