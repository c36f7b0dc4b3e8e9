#include "strict_json.h"

#include "message.h"

namespace vme {

namespace {

/// Feeds check_json_shape(), one byte at a time.
class ShapeScan {
public:
    Status feed(char ch) {
        if (in_string_) {
            skip_string_byte(ch);
            return Ok{};
        }
        if (ch == '"') in_string_ = true;
        if (ch == '[' || ch == '{') return open(ch == '{');
        if ((ch == ']' || ch == '}') && !members_.empty()) members_.pop_back();
        if (ch == ':' && !members_.empty() && members_.back() >= 0 &&
            ++members_.back() > kMaxJsonObjectMembers)
            return Error{"JSON object with more than " + std::to_string(kMaxJsonObjectMembers) +
                         " members"};
        return Ok{};
    }

private:
    void skip_string_byte(char ch) {
        if (escaped_)
            escaped_ = false;
        else if (ch == '\\')
            escaped_ = true;
        else if (ch == '"')
            in_string_ = false;
    }

    Status open(bool object) {
        if (static_cast<int>(members_.size()) >= kMaxJsonDepth)
            return Error{"JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
        members_.push_back(object ? 0 : -1);  // -1: an array has no members to count
        return Ok{};
    }

    std::vector<int> members_;  ///< one entry per open container
    bool in_string_ = false;
    bool escaped_ = false;
};

}  // namespace

Status check_json_shape(std::string_view text) {
    ShapeScan scan;
    for (const char ch : text)
        if (auto status = scan.feed(ch); !status) return status;
    return Ok{};
}

bool StrictDomBuilder::key(std::string& key) {
    Json& object = *open_.back();
    if (object.contains(key)) {
        duplicate_key_ = std::move(key);
        return false;
    }
    member_ = &object[std::move(key)];
    return true;
}

StrictDomBuilder::Json* StrictDomBuilder::place(Json value) {
    if (open_.empty()) {
        root_ = std::move(value);
        return &root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
        parent.push_back(std::move(value));
        return &parent.back();
    }
    *member_ = std::move(value);
    return member_;
}

}  // namespace vme
