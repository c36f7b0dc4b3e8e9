// --list as a mode: the retained states, statuses and inventories (and the
// roll call's answers) into a ListCollector until the RollCallClient says
// the fleet has answered, then the table or JSON lines, and exit 0.
#pragma once

#include "subscriber/list_mode.h"
#include "subscriber/mode.h"
#include "subscriber/options.h"
#include "subscriber/output.h"
#include "subscriber/roll_call_client.h"

namespace vme::sub {

class ListRun final : public Mode {
public:
    ListRun(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host);

    /// list_subscriptions(), plus the roll call's reply filter.
    std::vector<std::string> subscriptions() const override;
    /// The first grant starts the wait.
    void on_subscribed(bool first) override;
    /// Into the collector (an answer as the topic it copies); restarts the quiet period.
    void on_message(std::string_view topic, std::string_view payload, bool retained) override;
    /// Always 130: the list was not printed.
    int interrupted_status() const override { return kExitInterrupted; }

private:
    /// Prints the table or JSON lines and ends the run with 0.
    void print_list();

    const Options& options_;
    EventPrinter& printer_;
    ModeHost& host_;
    ListCollector list_;
    RollCallClient roll_call_;
};

}  // namespace vme::sub
