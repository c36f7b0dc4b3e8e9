#include "subscriber/exec_runner.h"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/sanitize.h"

extern char** environ;

namespace vme::sub {
namespace {

constexpr std::string_view kEnvPrefix = "VM_EVENT_";

/// posix_spawn file actions, destroyed on every path.
class SpawnActions {
public:
    SpawnActions() { posix_spawn_file_actions_init(&actions_); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

private:
    posix_spawn_file_actions_t actions_;
};

/// posix_spawn attributes: the child gets an empty signal mask and default
/// dispositions (vm-sub blocks signals for its signalfd and ignores SIGPIPE;
/// a child must inherit neither).
class SpawnAttributes {
public:
    SpawnAttributes() {
        posix_spawnattr_init(&attr_);
        sigset_t none, defaults;
        sigemptyset(&none);
        sigemptyset(&defaults);
        for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD, SIGHUP, SIGQUIT}) sigaddset(&defaults, sig);
        posix_spawnattr_setsigmask(&attr_, &none);
        posix_spawnattr_setsigdefault(&attr_, &defaults);
        posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    const posix_spawnattr_t* get() const { return &attr_; }

private:
    posix_spawnattr_t attr_;
};

/// Our environment without inherited VM_EVENT_* variables, plus the event's.
std::vector<std::string> child_environment(const Event& event) {
    std::vector<std::string> env;
    for (char** var = environ; var && *var; ++var) {
        if (std::string_view(*var).substr(0, kEnvPrefix.size()) != kEnvPrefix) env.emplace_back(*var);
    }
    for (auto& var : event_environment(event)) env.push_back(std::move(var));
    return env;
}

/// argv/envp views into `strings` (which must outlive them).
std::vector<char*> c_array(std::vector<std::string>& strings) {
    std::vector<char*> array;
    for (auto& s : strings) array.push_back(s.data());
    array.push_back(nullptr);
    return array;
}

/// "event stopped of VM web1 on hv1", sanitized, for stderr reports.
std::string describe_event(const Event& event) {
    return "event " + sanitize(event.event) + " of VM " + sanitize(event.domain.name) + " on " +
           sanitize(event.host);
}

}  // namespace

std::vector<std::string> event_environment(const Event& event) {
    auto var = [](std::string_view name, std::string_view value) {
        return std::string(kEnvPrefix).append(name).append("=").append(value);
    };
    return {
        var("HOST", event.host),
        var("DOMAIN", event.domain.name),
        var("UUID", event.domain.uuid),
        var("ID", event.domain.id < 0 ? "" : std::to_string(event.domain.id)),
        var("KIND", event.kind),
        var("EVENT", event.event),
        var("DETAIL", event.detail),
        var("TEXT", event.text),
        var("TIME", event.time),
        var("SEQ", std::to_string(event.seq)),
        var("BOOT", event.boot),
        var("JSON", encode_event(event)),
    };
}

Result<UniqueFd> memory_file(std::string_view data) {
    UniqueFd fd(::memfd_create("vm-sub-event", MFD_CLOEXEC));
    if (fd.get() < 0) return Error{std::string("memfd_create: ") + std::strerror(errno)};
    while (!data.empty()) {
        ssize_t n = ::write(fd.get(), data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error{std::string("writing the event to a memfd: ") + std::strerror(errno)};
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) return Error{std::string("lseek: ") + std::strerror(errno)};
    return fd;
}

void ExecRunner::enqueue(const Event& event) {
    queue_.push_back(event);
    if (running_ < 0) start_next();
}

void ExecRunner::start_next() {
    // A command that cannot start is reported and skipped; try the next.
    while (running_ < 0 && !queue_.empty()) {
        Event event = std::move(queue_.front());
        queue_.pop_front();
        auto pid = spawn(event);
        if (!pid) {
            diag_.say("--exec: cannot run '" + sanitize(command_.front()) + "' for " +
                      describe_event(event) + ": " + pid.error().message);
            continue;
        }
        running_ = *pid;
        running_what_ = describe_event(event);
    }
}

Result<pid_t> ExecRunner::spawn(const Event& event) {
    auto stdin_file = memory_file(encode_event(event) + "\n");
    if (!stdin_file) return stdin_file.error();
    SpawnActions actions;
    posix_spawn_file_actions_adddup2(actions.get(), stdin_file->get(), 0);
    // The MQTT socket must not live on in a long-running command after we exit.
    posix_spawn_file_actions_addclosefrom_np(actions.get(), 3);
    SpawnAttributes attributes;
    std::vector<std::string> args = command_;
    std::vector<std::string> env = child_environment(event);
    auto argv = c_array(args);
    auto envp = c_array(env);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, argv[0], actions.get(), attributes.get(), argv.data(), envp.data());
    if (rc != 0) return Error{std::strerror(rc)};
    return pid;
}

void ExecRunner::on_child_exit() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid != running_) continue;
        running_ = -1;
        report_exit(status);
    }
    start_next();
}

void ExecRunner::report_exit(int wait_status) {
    std::string what = "--exec: '" + sanitize(command_.front()) + "' for " + running_what_;
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0) {
        diag_.say(what + " exited with status " + std::to_string(WEXITSTATUS(wait_status)));
    } else if (WIFSIGNALED(wait_status)) {
        diag_.say(what + " was killed by signal " + std::to_string(WTERMSIG(wait_status)));
    }
}

}  // namespace vme::sub
