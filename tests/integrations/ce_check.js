// The CloudEvents SDK for JavaScript as an independent check of vm-events'
// CloudEvents (the test installs `cloudevents` and `mqtt` with npm; see lib.sh).
//   listen URL VERSION TOPIC COUNT OUT: subscribes with MQTT VERSION (5 or
//     4 = 3.1.1), takes COUNT messages, turns each into a CloudEvent with the
//     SDK's MQTT binding (MQTT.toEvent), runs validate() and writes one JSON
//     line per event to OUT: the topic, the payload as received (raw), the
//     mode, the Content Type, the event's attributes and its data.
//   lines FILE: every line of FILE must be a CloudEvent that the SDK accepts
//     in strict mode and validate() passes.
'use strict';
const fs = require('fs');
const { CloudEvent, MQTT } = require('cloudevents');

function fail(what) {
  console.error('ce_check: ' + what);
  process.exit(1);
}

// An MQTT message as the SDK's binding sees it. MQTT 3.1.1 has no
// properties: there, a CloudEvent can only travel in structured mode.
function sdkMessage(payload, properties, version) {
  const props = properties || {};
  const user = props.userProperties || {};
  let contentType = props.contentType;
  if (version === 4) contentType = 'application/cloudevents+json';
  return {
    PUBLISH: { 'Content Type': contentType },
    body: payload,
    headers: user,
    payload,
    'User Properties': user,
  };
}

function toCheckedEvent(payload, properties, version) {
  const message = sdkMessage(payload, properties, version);
  if (!MQTT.isEvent(message)) throw new Error('not a CloudEvent message');
  const event = MQTT.toEvent(message, true);
  event.validate();
  const structured = message.PUBLISH['Content Type'] === 'application/cloudevents+json';
  let data = event.data;
  if (typeof data === 'string') data = JSON.parse(data);
  return {
    mode: structured ? 'structured' : 'binary',
    content_type: (properties || {}).contentType || null,
    specversion: event.specversion, id: event.id, source: event.source, type: event.type,
    subject: event.subject, time: event.time, datacontenttype: event.datacontenttype || null, data,
  };
}

function listen(url, version, topic, count, out) {
  const mqtt = require('mqtt');
  const client = mqtt.connect(url, { protocolVersion: Number(version), clean: true, reconnectPeriod: 0 });
  let seen = 0;
  const lines = [];
  client.on('error', (e) => fail('mqtt: ' + e.message));
  client.on('connect', () => {
    client.subscribe(topic, { qos: 1 }, (err) => {
      if (err) fail('subscribe: ' + err.message);
      console.log('subscribed');
    });
  });
  client.on('message', (t, payload, packet) => {
    try {
      const text = payload.toString('utf8');
      lines.push(JSON.stringify({ topic: t, raw: text, ...toCheckedEvent(text, packet.properties, Number(version)) }));
    } catch (e) {
      fail('message on ' + t + ': ' + (e.errors ? JSON.stringify(e.errors) : e.message) + ': ' + payload.toString('utf8').slice(0, 300));
    }
    if (++seen === Number(count)) {
      fs.writeFileSync(out, lines.join('\n') + '\n');
      process.exit(0);  // done: the broker sees the connection drop
    }
  });
}

function checkLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) fail('no lines in ' + file);
  for (const line of lines) {
    try {
      const event = new CloudEvent(JSON.parse(line), true);
      event.validate();
      if (event.datacontenttype !== 'application/json') throw new Error('datacontenttype ' + event.datacontenttype);
      if (typeof event.data !== 'object') throw new Error('data is not an object');
    } catch (e) {
      fail('line ' + line.slice(0, 300) + ': ' + (e.errors ? JSON.stringify(e.errors) : e.message));
    }
  }
  console.log(lines.length + ' lines valid');
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'listen') listen(...args);
else if (cmd === 'lines') checkLines(args[0]);
else fail('usage: ce_check.js listen URL VERSION TOPIC COUNT OUT | lines FILE');
