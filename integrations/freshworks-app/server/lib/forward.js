/*
 * Forwards one Freshchat conversation event to the dashboard's POST /api/events, retrying
 * what is worth retrying within the platform's time limit.
 *
 * Runs in the Freshworks serverless sandbox: CommonJS through `exports = { ... }` (as the
 * platform's own templates do), and no setTimeout, setInterval, setImmediate, process or Buffer,
 * which the sandbox does not provide. Everything the platform supplies ($request, console, the
 * clock, the wait between attempts) comes in through `runtime`, so tests can stand in for it.
 */

// Declared in config/requests.json and in manifest.json (modules.common.requests).
const TEMPLATE_NAME = 'forwardEvent';

// Platform 3.0 limits: a serverless handler is stopped after 20 s, and one request made through
// a request template times out after 15 s.
const LIMITS = { handlerMs: 20000, requestTimeoutMs: 15000, marginMs: 1000 };

// At most 5 attempts, 250 ms doubling to at most 2 s between them (half fixed, half random, so
// that many installations do not retry in step). An attempt only starts if it could run into
// the 15 s request timeout and still leave a second to log the outcome: no attempt starts
// later than 4 s after the first one.
const POLICY = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 2000,
  latestStartMs: LIMITS.handlerMs - LIMITS.requestTimeoutMs - LIMITS.marginMs,
};

const LOG_PREFIX = '[dashboard-forwarder]';

const RATE_LIMITED = "not retried: a 429 without Retry-After, most likely the platform's limit of requests a minute, which retrying within seconds would only spend";

var api = {
  TEMPLATE_NAME: TEMPLATE_NAME,
  LOG_PREFIX: LOG_PREFIX,
  LIMITS: LIMITS,
  POLICY: POLICY,
  forwardEvent: forwardEvent,
  checkInstallation: checkInstallation,
  buildRequest: buildRequest,
  withoutIparams: withoutIparams,
  dashboardHost: dashboardHost,
  classify: classify,
  judgedByDashboard: judgedByDashboard,
  parseAnswer: parseAnswer,
  attemptOnce: attemptOnce,
  statusLabel: statusLabel,
  dashboardSaid: dashboardSaid,
  retryAfterMs: retryAfterMs,
  backoffDelay: backoffDelay,
  nextWait: nextWait,
  retrySchedule: retrySchedule,
  redact: redact,
  platformRuntime: platformRuntime,
  blockingSleep: blockingSleep,
};
// server.js is loaded by the platform, which takes what `exports` ends up as; a file it
// `require`s may instead be loaded by Node's own module loader, which reads `module.exports`.
// Setting both makes the module work either way.
if (typeof module === 'object' && module) module.exports = api;
exports = api;

/**
 * Sends `payload` (minus `iparams`) to the dashboard. Never throws: every outcome is returned
 * ({ outcome: 'delivered' | 'parked' | 'rejected' | 'failed' | 'misconfigured', attempts, status })
 * and every failure is logged once, with the conversation id and the status. 'parked': not
 * delivered now, kept in the outbox to be sent again (outbox.js).
 */
async function forwardEvent(payload, runtime) {
  const event = describeEvent(payload);
  const request = buildRequest(payload);
  if (!request) {
    const body = JSON.stringify(withoutIparams(payload));
    return giveUp(runtime, event, body, { outcome: 'misconfigured', attempts: 0, status: null }, misconfiguredLine(event, payload));
  }
  const startedAt = runtime.now();
  let attempts = 0;
  /** Ends the attempts: what happened to this event, with why. */
  const stop = function (result, outcome, why) {
    return failed(runtime, { event: event, body: request.body, attempts: attempts, result: result, startedAt: startedAt }, outcome, why);
  };
  for (;;) {
    attempts += 1;
    const result = await attemptOnce(runtime, request);
    const verdict = classify(result.status);
    if (verdict === 'delivered') return delivered(runtime, event, attempts, result);
    if (verdict === 'rejected' && judgedByDashboard(result)) return stop(result, 'rejected', 'not retried: the dashboard refused this request');
    // The dashboard's statuses without its answer: a proxy or another server (nginx answers 400
    // to plain HTTP sent to its HTTPS port), which fixing it will get past: kept, not dropped.
    if (verdict === 'rejected') return stop(result, 'failed', 'not retried now: not the dashboard\'s answer (a proxy or another server?)');
    const retryAfter = retryAfterMs(result.headers, runtime.now());
    // A 429 that names no time is most likely Freshworks' own limit (50 requests a minute per app
    // and account): retries within seconds cannot outlast it and would only spend more of it.
    if (result.status === 429 && retryAfter === null) return stop(result, 'failed', RATE_LIMITED);
    const elapsedMs = runtime.now() - startedAt;
    const wait = nextWait(attempts, retryAfter, elapsedMs, runtime.random());
    if (wait.stop) return stop(result, 'failed', wait.stop);
    runtime.log.warn(retryLine(event, attempts, result, wait));
    await runtime.sleep(wait.delayMs);
  }
}

/**
 * Checks the settings when the app is installed (onAppInstall), so that a wrong address or token
 * is refused there, with a message, instead of every event being dropped afterwards with a log
 * line nobody reads. Sends an empty batch with the token: the dashboard checks the token before
 * the body, stores nothing, and answers 400 ("no events in the request") once the token is
 * accepted. Resolves null (install) or the reason to refuse, at most 60 characters (the
 * platform's limit for renderData's message); the full answer goes to the log.
 */
async function checkInstallation(iparams, runtime) {
  const host = dashboardHost(iparams && iparams.dashboard_url);
  if (!host) return 'Dashboard URL must be https://host, no IP, port or path';
  const result = await attemptOnce(runtime, { context: { dashboard_host: host }, body: '[]' });
  // The dashboard's own refusal of the empty batch, nothing else: any server answers some 400 or 200.
  if (result.status === 400 && judgedByDashboard(result)) return null;
  runtime.log.error(LOG_PREFIX + ' installation refused: a test request to https://' + host + '/api/events got ' + statusLabel(result) + dashboardSaid(result));
  if (result.status === 401 || result.status === 403) return 'The dashboard refused the ingest token';
  if (result.status === 503) return 'Dashboard ingest is off or its storage is down (503)';
  if (result.status === null) return 'Dashboard not reachable: check the URL and firewall';
  if (result.status === 400 || classify(result.status) === 'delivered') return 'Not the dashboard: HTTP ' + result.status + ' to a test request';
  return 'Dashboard answered HTTP ' + result.status + ' to a test request';
}

/** The template invocation: the dashboard's host as context, the payload without iparams as body. */
function buildRequest(payload) {
  const iparams = (payload && payload.iparams) || {};
  const host = dashboardHost(iparams.dashboard_url);
  if (!host) return null;
  return { context: { dashboard_host: host }, body: JSON.stringify(withoutIparams(payload)) };
}

/** A copy of the envelope without `iparams`: the installation's settings, secrets among them. */
function withoutIparams(payload) {
  const copy = {};
  for (const key of Object.keys(payload || {})) {
    if (key !== 'iparams') copy[key] = payload[key];
  }
  return copy;
}

/**
 * The host name of an `https://host[/]` base URL, or null. Request templates take a domain name
 * as host (no IP address, no port, no path) and their protocol is fixed to HTTPS.
 */
function dashboardHost(url) {
  const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
  const match = new RegExp('^https://(' + label + '(?:\\.' + label + ')+)/?$', 'i').exec(String(url || '').trim());
  if (!match || /^[0-9.]+$/.test(match[1])) return null;
  return match[1].toLowerCase();
}

/**
 * Whether a 4xx comes from the dashboard, whose refusals of an event (400 invalid, 413 too large,
 * 415) are final: its JSON, with per-item results or an `error`. A proxy's or another server's page
 * with the same status is not a verdict on the event.
 */
function judgedByDashboard(result) {
  const answer = parseAnswer(result.body);
  if (!answer || typeof answer !== 'object') return false;
  return typeof answer.error === 'string' || (typeof answer.accepted === 'number' && Array.isArray(answer.rejected));
}

/** A response body as JSON (the platform gives text, a stand-in may give the object), or null. */
function parseAnswer(text) {
  if (typeof text !== 'string') return text && typeof text === 'object' ? text : null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** 2xx: delivered. No status (network error, timeout), 429 or 5xx: retry. Any other status: rejected. */
function classify(status) {
  if (status === null) return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429 || status >= 500) return 'retry';
  return 'rejected';
}

/** Retry-After (seconds or an HTTP date) in milliseconds, or null when absent or unreadable. */
function retryAfterMs(headers, nowMs) {
  const value = headerValue(headers, 'retry-after');
  if (value === null) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Delay before attempt `attemptsMade + 1`: 250 ms doubling, capped at 2 s; `random` in [0, 1) picks within its upper half. */
function backoffDelay(attemptsMade, random) {
  const ceiling = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * Math.pow(2, attemptsMade - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * Whether and when to try again after `attemptsMade` attempts, `elapsedMs` after the first one
 * started: { delayMs, reason } or { stop } with the reason to give up.
 */
function nextWait(attemptsMade, retryAfter, elapsedMs, random) {
  if (attemptsMade >= POLICY.maxAttempts) return { stop: 'gave up after ' + attemptsMade + ' attempts' };
  const backoff = backoffDelay(attemptsMade, random);
  const askedFor = retryAfter !== null && retryAfter > backoff;
  const delayMs = askedFor ? retryAfter : backoff;
  if (elapsedMs + delayMs > POLICY.latestStartMs) {
    const left = Math.max(0, POLICY.latestStartMs - elapsedMs);
    const wanted = askedFor ? 'the dashboard asked to retry after ' + delayMs + ' ms' : 'the next attempt would start in ' + delayMs + ' ms';
    return { stop: 'gave up after ' + attemptsMade + ' attempt' + plural(attemptsMade) + ': ' + wanted + ', more than the ' + left + ' ms left to start one within the platform\'s ' + LIMITS.handlerMs / 1000 + ' s limit' };
  }
  return { delayMs: delayMs, reason: askedFor ? 'Retry-After' : 'backoff' };
}

/** When each attempt would start if every attempt failed at once: the policy's worst case. */
function retrySchedule(random) {
  const starts = [0];
  for (;;) {
    const wait = nextWait(starts.length, null, starts[starts.length - 1], random());
    if (wait.stop) return starts;
    starts.push(starts[starts.length - 1] + wait.delayMs);
  }
}

/** Hides bearer tokens (8 or more token characters after "Bearer") and shortens text that goes into a log line. */
function redact(text) {
  const clean = String(text).replace(/Bearer\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, 'Bearer [redacted]').replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? clean.slice(0, 300) + '…' : clean;
}

/**
 * What the platform provides, gathered for forwardEvent and the outbox: the request API, the
 * log, and optionally the key-value store (`$db`), the scheduler (`$schedule`) and the outbox
 * module; without them an undelivered event is only logged.
 */
function platformRuntime(requestApi, logger, storage) {
  const keep = storage || {};
  return {
    db: keep.db,
    schedule: keep.schedule,
    outbox: keep.db && keep.schedule ? keep.outbox : undefined,
    invokeTemplate: function (name, options) {
      return requestApi.invokeTemplate(name, options);
    },
    sleep: blockingSleep,
    now: function () {
      return Date.now();
    },
    random: Math.random,
    log: logger,
  };
}

/**
 * Waits `ms` milliseconds. The sandbox has no timers, so this blocks the invocation on
 * Atomics.wait (part of JavaScript itself), which sleeps without using the CPU; the handler
 * has nothing else to do meanwhile. Where Atomics is unavailable it does not wait.
 */
function blockingSleep(ms) {
  if (ms > 0 && typeof Atomics === 'object' && typeof SharedArrayBuffer === 'function') {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    } catch {
      // Not allowed on this thread: retry without waiting rather than not at all.
    }
  }
  return Promise.resolve();
}

async function attemptOnce(runtime, request) {
  try {
    const response = await runtime.invokeTemplate(TEMPLATE_NAME, request);
    return { status: statusOf(response), headers: (response && response.headers) || {}, body: response && response.response, message: null };
  } catch (error) {
    const e = error || {};
    return { status: statusOf(e), headers: e.headers || {}, body: e.response, message: e.message || (typeof e === 'string' ? e : null) };
  }
}

function statusOf(value) {
  return value && typeof value.status === 'number' && value.status > 0 ? value.status : null;
}

function headerValue(headers, name) {
  for (const key of Object.keys(headers || {})) {
    if (key.toLowerCase() === name) return String(headers[key]).trim();
  }
  return null;
}

function describeEvent(payload) {
  const data = (payload && payload.data) || {};
  const conversation = data.conversation || {};
  return {
    name: (payload && payload.event) || 'event',
    conversationId: conversation.conversation_id || 'unknown',
  };
}

function delivered(runtime, event, attempts, result) {
  // A first-attempt success stays quiet: one line per event would drown the failures.
  if (attempts > 1) {
    runtime.log.info(LOG_PREFIX + ' delivered ' + event.name + ' for conversation ' + event.conversationId + ' on attempt ' + attempts + ' (status ' + result.status + ')');
  }
  return { outcome: 'delivered', attempts: attempts, status: result.status };
}

/** `attempt`: the event, its body, the attempts made, the last one's result, when the first began. */
function failed(runtime, attempt, outcome, why) {
  const event = attempt.event;
  const result = attempt.result;
  const line = LOG_PREFIX + ' FAILED to forward ' + event.name + ' for conversation ' + event.conversationId + ': ' + statusLabel(result) + ', ' + why + dashboardSaid(result);
  // Past this, the handler is near the platform's 20 s: keeping the event comes first.
  const checkScheduleBy = attempt.startedAt + LIMITS.handlerMs - 3000;
  return giveUp(runtime, event, attempt.body, { outcome: outcome, attempts: attempt.attempts, status: result.status }, line, checkScheduleBy);
}

/**
 * An event not delivered now: kept in the outbox (outbox.js) when the runtime has one and the
 * reason can pass, with a warning; otherwise the error line, with why it was not kept.
 */
async function giveUp(runtime, event, body, result, line, checkScheduleBy) {
  const outbox = runtime.outbox;
  if (!outbox || !outbox.parkable(result)) {
    runtime.log.error(line);
    return result;
  }
  const kept = await outbox.park(body, event, runtime, checkScheduleBy);
  if (!kept.parked) {
    runtime.log.error(line + '; not kept for later: ' + kept.why);
    return result;
  }
  runtime.log.warn(line.replace(' FAILED to forward ', ' could not deliver ') + '; kept in the outbox (' + outbox.KEYS.event(kept.id) + '), sent again within ' + outbox.DRAIN.everyMinutes + ' minutes of the dashboard answering');
  return { outcome: 'parked', attempts: result.attempts, status: result.status, id: kept.id };
}

function retryLine(event, attempts, result, wait) {
  return LOG_PREFIX + ' retrying ' + event.name + ' for conversation ' + event.conversationId + ': attempt ' + attempts + ' of ' + POLICY.maxAttempts + ' got ' + statusLabel(result) + '; next attempt in ' + wait.delayMs + ' ms (' + wait.reason + ')';
}

function misconfiguredLine(event, payload) {
  const url = payload && payload.iparams ? payload.iparams.dashboard_url : undefined;
  return LOG_PREFIX + ' FAILED to forward ' + event.name + ' for conversation ' + event.conversationId + ': no request sent, the app setting dashboard_url (' + redact(JSON.stringify(url === undefined ? null : url)) + ') is not an https:// address with a host name, such as https://dashboard.example.com; correct it in the app\'s settings';
}

/** What the dashboard answered, for the end of a log line: '; dashboard said: …', or nothing. */
function dashboardSaid(result) {
  return result.body ? '; dashboard said: ' + redact(result.body) : '';
}

function statusLabel(result) {
  if (result.status !== null) return 'status ' + result.status;
  return 'no HTTP status (network error' + (result.message ? ': ' + redact(result.message) : '') + ')';
}

function plural(count) {
  return count === 1 ? '' : 's';
}
