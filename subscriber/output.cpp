#include "subscriber/output.h"

#include <cerrno>
#include <cstdlib>
#include <unistd.h>

#include "common/cloudevents.h"

namespace vme::sub {

bool LineWriter::write_line(std::string_view line) {
    if (broken_) return false;
    pending_.append(line).push_back('\n');
    if (batched_ && pending_.size() < kBatchBytes) return true;
    return flush();
}

bool LineWriter::flush() {
    if (broken_ || pending_.empty()) return !broken_;
    bool ok = write_all(pending_);
    pending_.clear();
    return ok;
}

bool LineWriter::write_all(std::string_view rest) {
    // The loop only continues a partial write (more than the pipe takes at
    // once) or retries EINTR.
    while (!rest.empty()) {
        ssize_t n = ::write(fd_, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            broken_ = true;
            return false;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void Diagnostics::say(std::string_view text) {
    err_.write_line(std::string("vm-sub: ").append(text));
}

void Diagnostics::warn(std::string_view text) {
    auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= kWindow) {
        if (suppressed_ > 0) say("warning: " + std::to_string(suppressed_) + " more warnings suppressed");
        window_start_ = now;
        in_window_ = 0;
        suppressed_ = 0;
    }
    if (in_window_ >= kBurst) {
        ++suppressed_;
        return;
    }
    ++in_window_;
    say(std::string("warning: ").append(text));
}

void Diagnostics::verbose(std::string_view text) {
    if (verbosity_ > 0) say(text);
}

bool use_color(ColorMode mode) {
    if (mode != ColorMode::Auto) return mode == ColorMode::Always;
    const char* no_color = std::getenv("NO_COLOR");
    bool vetoed = no_color != nullptr && *no_color != '\0';
    return !vetoed && ::isatty(1) == 1;
}

Result<EventPrinter> EventPrinter::create(const Options& options) {
    std::optional<Template> tmpl;
    if (options.output == OutputMode::Template) {
        auto compiled = Template::compile(options.format);
        if (!compiled) return Error{"-F/--format: " + compiled.error().message};
        tmpl = std::move(*compiled);
    }
    return EventPrinter(options.output, HumanStyle{use_color(options.color)}, std::move(tmpl));
}

bool EventPrinter::event(const Event& event) {
    switch (mode_) {
    case OutputMode::Human: return out_.write_line(human_.event_line(event));
    case OutputMode::Json: return out_.write_line(json_for_terminal(encode_event(event)));
    case OutputMode::CloudEvents: return out_.write_line(json_for_terminal(encode_cloudevent(event)));
    case OutputMode::Template: return out_.write_line(template_->render(event));
    }
    return false;
}

bool EventPrinter::status(const HostStatus& status) {
    if (mode_ != OutputMode::Human) return !out_.broken();
    return out_.write_line(human_.status_line(status));
}

bool EventPrinter::raw(std::string_view topic, std::string_view payload) {
    if (mode_ != OutputMode::Human) return !out_.broken();
    return out_.write_line(human_.raw_line(clip(topic, 512), clip(payload, 4096)));
}

std::string clip(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    return std::string(text.substr(0, max_bytes)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace vme::sub
