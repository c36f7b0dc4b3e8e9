// The pipeline every received message goes through: topic -> payload ->
// consistency with the topic -> sequence check -> filter -> the sink.
// Nothing a publisher sends can crash it or stop the next message: every
// failure becomes one sanitized, rate-limited warning on stderr.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/decode.h"
#include "common/filter.h"
#include "common/history.h"
#include "common/message.h"
#include "common/seq_tracker.h"
#include "common/topic.h"
#include "subscriber/options.h"
#include "subscriber/output.h"

namespace vme::sub {

/// Receives what passed the pipeline.
class MessageSink {
public:
    virtual ~MessageSink() = default;
    /// An event that is consistent with its topic and passes the filter.
    virtual void on_event(const Event& event) = 0;
    /// A host went online or offline, or its libvirt became unreachable or
    /// came back (not the first retained status seen; not libvirt's first
    /// "connected").
    virtual void on_status(const HostStatus& status, StatusChange change) = 0;
    /// A message that is not a vm-events/1 event or status (only with -t).
    virtual void on_foreign(std::string_view topic, std::string_view payload) = 0;
};

/// How the pipeline treats messages.
struct HandlerConfig {
    std::string prefix;
    Filter filter;
    bool raw_mode = false;    ///< -t: foreign topics and payloads are expected
    bool gap_check = false;   ///< report seq gaps/duplicates (see gap_check_applies)
};

/// Gap and duplicate reports are only right when every event of a host is
/// received: a --domain, --kind, --event or -t narrowing leaves seq holes
/// that are no loss at all, so the check is off then.
bool gap_check_applies(const Options& options);

/// The pipeline's configuration for `options`.
HandlerConfig handler_config(const Options& options);

class MessageHandler {
public:
    MessageHandler(HandlerConfig config, Diagnostics& diag, MessageSink& sink)
        : config_(std::move(config)), diag_(diag), sink_(sink) {}

    /// Runs one message through the pipeline.
    void handle(std::string_view topic, std::string_view payload, bool retained);

    /// From now on, events the --since history showed already are dropped
    /// (silently: the overlap of history and live is expected).
    void set_seam(SeamFilter seam) { seam_ = std::move(seam); }

private:
    /// Decodes, checks against the topic and the sequence, filters, emits.
    void handle_event(const TopicParts& parts, std::string_view topic, std::string_view payload);
    /// Emits a host status when it is a change (not the first retained one).
    void handle_status(const TopicParts& parts, std::string_view topic,
                       std::string_view payload, bool retained);
    /// A topic outside the scheme: a warning, or (with -t) a foreign message.
    void handle_unparsed_topic(std::string_view topic, std::string_view payload, const Error& why);
    /// True when the payload's host, VM and kind are the topic's (else warns).
    bool vouched(const Event& event, const TopicParts& parts, std::string_view topic);
    /// Reports gaps, duplicates and late arrivals; false for a duplicate (dropped).
    bool accept_sequence(const Event& event);
    /// One rate-limited warning naming the (sanitized) topic.
    void warn(std::string_view topic, std::string_view what);

    HandlerConfig config_;
    Diagnostics& diag_;
    MessageSink& sink_;
    EventDecoder decoder_;  ///< its buffers serve every message
    SeqTracker seq_;
    SeamFilter seam_;
    /// What the last status of a host said.
    struct HostView {
        bool online = false;
        LibvirtHealthState libvirt = LibvirtHealthState::Unknown;
    };
    std::map<std::string, HostView> hosts_;
};

/// `text` sanitized and cut, for a warning line.
std::string shown(std::string_view text);

}  // namespace vme::sub
