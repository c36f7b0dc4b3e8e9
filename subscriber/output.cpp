#include "subscriber/output.h"

#include <cerrno>
#include <cstdlib>
#include <unistd.h>

#include "common/cloudevents.h"
#include "common/terminal_json.h"
#include "common/time.h"

namespace vme::sub {

bool use_color(ColorMode mode, int fd) {
    if (mode != ColorMode::Auto) return mode == ColorMode::Always;
    const char* no_color = std::getenv("NO_COLOR");
    bool vetoed = no_color != nullptr && *no_color != '\0';
    return !vetoed && ::isatty(fd) == 1;
}

Result<EventPrinter> EventPrinter::create(const Options& options, int out_fd) {
    std::optional<Template> tmpl;
    if (options.output == OutputMode::Template) {
        auto compiled = Template::compile(options.format);
        if (!compiled) return Error{"-F/--format: " + compiled.error().message};
        tmpl = std::move(*compiled);
    }
    return EventPrinter(options.output, HumanStyle{use_color(options.color, out_fd)}, std::move(tmpl), out_fd);
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

bool EventPrinter::status(const HostStatus& status, StatusChange change) {
    if (mode_ != OutputMode::Human) return !out_.broken();
    return out_.write_line(change == StatusChange::Host ? human_.status_line(status, now_ms()) : human_.libvirt_line(status, now_ms()));
}

bool EventPrinter::raw(std::string_view topic, std::string_view payload) {
    if (mode_ != OutputMode::Human) return !out_.broken();
    return out_.write_line(human_.raw_line(clip(topic, 512), clip(payload, 4096), now_ms()));
}

std::string clip(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    return std::string(text.substr(0, max_bytes)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace vme::sub
