#!/usr/bin/env bash
# The event kinds other than lifecycle that the QEMU driver reports for a
# firmware-only guest, end to end through vm-pub and vm-sub -o json, each
# with its own payload fields checked, and all of them against what
# `virsh event` reported for the same actions:
#   agent-lifecycle  at start (the guest has a guest-agent channel, no agent)
#   metadata-change  virsh desc, desc --title, metadata (description, title, element)
#   tunable          virsh vcpupin, emulatorpin (cputune.* parameters)
#   device-added     hot-plug of a USB tablet (no guest help needed)
#   device-removed   its unplug (USB: completes without the guest)
#   tray-change      virsh change-media on an empty IDE CD-ROM drive
#   reboot           virsh reset
# The guest still has no disk image and no network: the CD-ROM drive
# starts empty.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/qemu.sh"

start_qemu_rig

G=qg-dev
# User aliases ("ua-" prefix) fix the device names the events carry.
define_guest "$G" "
    <disk type='file' device='cdrom'>
      <target dev='hdc' bus='ide'/>
      <readonly/>
      <alias name='ua-cd'/>
    </disk>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>"

# Start: the agent channel exists but no agent answers on it.
since "$G"
qvsh start "$G" >/dev/null
expect_events "$G" "agent-lifecycle disconnected domain-started" "lifecycle started booted"
check_event "$G" "agent-lifecycle disconnected domain-started" '
  .kind == "agent-lifecycle" and .event == "disconnected" and .detail == "domain-started"
  and .state == "disconnected" and .reason == "domain-started"
  and .event_code == 2 and .detail_code == 1 and (.domain.id | type) == "number"'
expect_state "$G" running booted

# metadata-change: one event per change, its type and namespace.
NS=http://example.org/vm-events-test
since "$G"
qvsh desc "$G" --live "a tiny guest" >/dev/null
qvsh desc "$G" --live --title "tiny" >/dev/null
qvsh metadata "$G" --live "$NS" --key vmet --set '<probe level="1"/>' >/dev/null
expect_events "$G" "metadata-change description null" "metadata-change title null" "metadata-change element $NS"
check_event "$G" "metadata-change description null" '
  .kind == "metadata-change" and .event == "metadata-change" and .type == "description" and .nsuri == null
  and (has("detail") | not)'
check_event "$G" "metadata-change title null" '.type == "title" and .nsuri == null'
check_event "$G" "metadata-change element $NS" ".type == \"element\" and .nsuri == \"$NS\""

# tunable: the new pinning as libvirt's typed parameters, strings here.
since "$G"
qvsh vcpupin "$G" 0 0 --live >/dev/null
qvsh emulatorpin "$G" 0 --live >/dev/null
expect_events "$G" "tunable cputune.vcpupin0=0" "tunable cputune.emulatorpin=0"
check_event "$G" "tunable cputune.vcpupin0=0" '
  .kind == "tunable" and .event == "tunable" and .params == {"cputune.vcpupin0": "0"}'
check_event "$G" "tunable cputune.emulatorpin=0" '.params == {"cputune.emulatorpin": "0"}'

# device-added / device-removed: a USB tablet in and out.
echo "<input type='tablet' bus='usb'><alias name='ua-tablet'/></input>" >"$H_DIR/tablet.xml"
since "$G"
qvsh attach-device "$G" "$H_DIR/tablet.xml" --live >/dev/null
expect_events "$G" "device-added ua-tablet"
check_event "$G" "device-added ua-tablet" '.kind == "device-added" and .event == "device-added" and .dev_alias == "ua-tablet"'
qvsh detach-device "$G" "$H_DIR/tablet.xml" --live >/dev/null
expect_events "$G" "device-added ua-tablet" "device-removed ua-tablet"
check_event "$G" "device-removed ua-tablet" '.kind == "device-removed" and .event == "device-removed" and .dev_alias == "ua-tablet"'
qvsh dumpxml "$G" | grep -q ua-tablet && fail "$G: the tablet is still there after device-removed"

# tray-change: inserting a medium opens and closes the tray, and so does
# ejecting it (libvirt closes the empty tray again).
truncate -s 1M "$H_DIR/medium.iso"
since "$G"
qvsh change-media "$G" hdc "$H_DIR/medium.iso" --insert --live >/dev/null
expect_events "$G" "tray-change ua-cd open" "tray-change ua-cd close"
check_event "$G" "tray-change ua-cd open" '.kind == "tray-change" and .event == "open" and .reason == "open" and .dev_alias == "ua-cd"'
check_event "$G" "tray-change ua-cd close" '.event == "close" and .reason == "close"'
qvsh change-media "$G" hdc --eject --live >/dev/null
expect_events "$G" "tray-change ua-cd open" "tray-change ua-cd close" "tray-change ua-cd open" "tray-change ua-cd close"

# reboot: a hard reset (SeaBIOS may reset once more by itself: the final
# comparison counts them as libvirt did).
since "$G"
qvsh reset "$G" >/dev/null
expect_events "$G" "reboot"
check_event "$G" reboot '.kind == "reboot" and .event == "reboot" and .text == "Reboot"'

# None of these changed the state.
expect_state "$G" running booted

finish_guest "$G"
log "ok"
