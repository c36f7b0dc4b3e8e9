#!/usr/bin/env python3
"""Checks vm-pub's Home Assistant discovery configs the way HA would read them.

Usage: ha_check.py RETAINED DISCOVERY_PREFIX EXPECT
  RETAINED  every retained message of the broker, one mosquitto_sub -F %J
            JSON line each (topic, payload)
  EXPECT    JSON: {"vms": {"<vm name>": "<state token>", ...},
                   "available": "online"|"offline", "host_online": "ON"|"OFF"}

For every config message under DISCOVERY_PREFIX: the topic has HA's shape,
the payload has the keys HA requires for its component and only keys HA
documents (full names), every topic it names holds a retained message, and
its templates, rendered by Jinja2 (the engine HA uses) over those retained
payloads, give the expected values. Prints one line per problem; exit 1 if any.
"""
import json
import re
import sys

from jinja2.sandbox import ImmutableSandboxedEnvironment

COMMON = {
    "availability", "availability_mode", "availability_template", "availability_topic", "device",
    "device_class", "enabled_by_default", "encoding", "entity_category", "entity_picture",
    "expire_after", "force_update", "icon", "json_attributes_template", "json_attributes_topic",
    "name", "object_id", "default_entity_id", "origin", "payload_available", "payload_not_available",
    "platform", "qos", "state_topic", "unique_id", "value_template",
}
ALLOWED = {
    "sensor": COMMON | {"last_reset_value_template", "options", "state_class",
                        "suggested_display_precision", "unit_of_measurement"},
    "binary_sensor": COMMON | {"off_delay", "payload_off", "payload_on"},
}
REQUIRED = {"sensor": {"state_topic"}, "binary_sensor": {"state_topic"}}
DEVICE_KEYS = {"configuration_url", "connections", "hw_version", "identifiers", "manufacturer", "model",
               "model_id", "name", "serial_number", "suggested_area", "sw_version", "via_device"}
ORIGIN_KEYS = {"name", "sw_version", "support_url"}
AVAILABILITY_KEYS = {"payload_available", "payload_not_available", "topic", "value_template"}
TOPIC = re.compile(r"^(?P<component>[a-z_]+)/(?:[a-zA-Z0-9_-]+/)?(?P<object_id>[a-zA-Z0-9_-]+)/config$")

problems = []


def problem(text):
    problems.append(text)
    print("ha_check: " + text)


def display_name(name):
    """The name as vm-pub puts it in a device name: what MQTT strings cannot
    hold (controls, noncharacters) replaced by U+FFFD."""
    def bad(c):
        cp = ord(c)
        return cp <= 0x1F or 0x7F <= cp <= 0x9F or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE
    return "".join("\ufffd" if bad(c) else c for c in name)


def render(env, template, payload):
    """Renders a value template as HA does: value, and value_json when the payload is JSON."""
    variables = {"value": payload}
    try:
        variables["value_json"] = json.loads(payload)
    except ValueError:
        pass
    return env.from_string(template).render(**variables).strip()


def main():
    retained_file, prefix, expect = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    expect["vms"] = {display_name(name): state for name, state in expect["vms"].items()}
    retained = {}
    with open(retained_file, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                m = json.loads(line)
                p = m["payload"]
                retained[m["topic"]] = p if isinstance(p, str) else json.dumps(p)
    env = ImmutableSandboxedEnvironment()
    configs = {t: p for t, p in retained.items() if t.startswith(prefix + "/") and t.endswith("/config")}
    unique_ids = set()
    seen_vms = {}
    host_entities = 0
    for topic, payload in sorted(configs.items()):
        shape = TOPIC.match(topic[len(prefix) + 1:])
        if not shape:
            problem(f"{topic}: not <prefix>/<component>/[<node_id>/]<object_id>/config")
            continue
        component = shape["component"]
        if component not in ALLOWED:
            problem(f"{topic}: unexpected component {component}")
            continue
        config = json.loads(payload)
        for key in REQUIRED[component] - config.keys():
            problem(f"{topic}: missing required key {key}")
        for key in config.keys() - ALLOWED[component]:
            problem(f"{topic}: key {key} is not in HA's {component} schema")
        uid = config.get("unique_id")
        if not uid or uid in unique_ids:
            problem(f"{topic}: unique_id missing or repeated: {uid}")
        unique_ids.add(uid)
        device = config.get("device", {})
        if not device.get("identifiers"):
            problem(f"{topic}: device without identifiers")
        for key in device.keys() - DEVICE_KEYS:
            problem(f"{topic}: device key {key} is not in HA's schema")
        for key in config.get("origin", {}).keys() - ORIGIN_KEYS:
            problem(f"{topic}: origin key {key} is not in HA's schema")
        for topic_key in ("state_topic", "json_attributes_topic"):
            if topic_key in config and config[topic_key] not in retained:
                problem(f"{topic}: {topic_key} {config[topic_key]} holds no retained message")
        for av in config.get("availability", []):
            for key in av.keys() - AVAILABILITY_KEYS:
                problem(f"{topic}: availability key {key} is not in HA's schema")
            if av.get("topic") not in retained:
                problem(f"{topic}: availability topic {av.get('topic')} holds no retained message")
                continue
            got = render(env, av.get("value_template", "{{ value }}"), retained[av["topic"]])
            if got != expect["available"]:
                problem(f"{topic}: availability renders {got!r}, want {expect['available']!r}")
        state = retained.get(config.get("state_topic"), "")
        value = render(env, config.get("value_template", "{{ value }}"), state)
        if device.get("via_device") is None:
            host_entities += 1
            if value != expect["host_online"]:
                problem(f"{topic}: host value renders {value!r}, want {expect['host_online']!r}")
            continue
        name = device.get("name")
        if name not in expect["vms"]:
            problem(f"{topic}: config for unexpected VM {name!r}")
            continue
        seen_vms.setdefault(name, set()).add(component)
        want = expect["vms"][name] if component == "sensor" else ("ON" if expect["vms"][name] == "running" else "OFF")
        if value != want:
            problem(f"{topic}: value renders {value!r}, want {want!r}")
        if "json_attributes_template" in config:
            attrs = json.loads(render(env, config["json_attributes_template"],
                                      retained.get(config["json_attributes_topic"], "")))
            state_json = json.loads(state)
            want_attrs = {"reason": state_json.get("reason"), "id": state_json["domain"]["id"],
                          "uuid": state_json["domain"]["uuid"], "persistent": state_json["persistent"],
                          "since": state_json["time"]}
            if attrs != want_attrs:
                problem(f"{topic}: attributes render {attrs}, want {want_attrs}")
    if host_entities != 1:
        problem(f"{host_entities} host entities, want 1")
    for name in expect["vms"]:
        if seen_vms.get(name) != {"sensor", "binary_sensor"}:
            problem(f"VM {name!r}: entities {sorted(seen_vms.get(name, []))}, want sensor and binary_sensor")
    if not problems:
        print(f"ha_check: {len(configs)} configs valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
