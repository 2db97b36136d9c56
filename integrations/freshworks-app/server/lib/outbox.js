/*
 * The outbox: events the forwarder could not deliver are kept in the installation's key-value
 * store and sent again, in batches, by a recurring scheduled event, so that a dashboard that is
 * down for minutes or hours (a restart, a network fault, a wrong token being corrected) loses
 * nothing. The dashboard stores an event once however often it arrives, and projects events in
 * whatever order they come, so a late event lands where it belongs.
 *
 * Platform 3.0 limits this is built around (rate limits and constraints, key-value storage,
 * scheduled events): 50 key-value operations a minute per installation (set, get, update and
 * delete count one each), a key of at most 60 characters, key and value together at most 40 KB,
 * values that are JSON objects whose empty strings become null (so an event is kept as its JSON
 * text in one string field), no way to list keys, one recurring schedule per installation, a
 * request body of at most 100 KB, and 20 s for each handler.
 *
 * Layout of the store:
 *   fwd:<id>          { body, conversation, event, at }   one waiting event (its JSON without iparams)
 *   outbox:<YYYYMMDD> { ids: [...] }                       the ids parked that UTC day, in order; only appended to
 *   outbox            { day, drained }                     the drain's place: the first day not yet emptied, and
 *                                                          how many of its ids are done; written by the drain only
 * Parking costs two operations: the event, then its id appended to the day's list (`append`
 * creates the list if the day has none, and is done by the store, so handlers running at once do
 * not overwrite each other). A day's list is deleted once the day is over and all its ids are
 * done. The drain's place is created by its first run.
 *
 * Same sandbox rules as forward.js: the store, the scheduler, the request API, the clock and
 * the log come in through `runtime`.
 */

const forward = require('./forward');

const KEYS = {
  state: 'outbox',
  day: function (day) {
    return 'outbox:' + day;
  },
  event: function (id) {
    return 'fwd:' + id;
  },
};

// 40 KB for key and value together; what is kept stays a little under it, as the store's own
// accounting of a value's size is not documented to the byte.
const STORE_LIMIT_BYTES = 40000;

const DRAIN = {
  scheduleName: 'outbox-drain',
  // While events are left after a run, a one-time schedule runs the drain again a minute later,
  // so a backlog goes out at 15 a minute, not 15 every 5 minutes (the recurring schedule stays,
  // for when the one-time one cannot be created).
  followUpName: 'outbox-drain-soon',
  followUpAfterMs: 60000,
  // The interval of Freshworks' own recurring example, taken as the shortest it accepts.
  everyMinutes: 5,
  // Events sent a run: each costs two store operations (read, delete), a run a few more, and a
  // run must leave room under the 50 a minute for events parked meanwhile.
  eventsPerRun: 15,
  // A request body may hold 100 KB; the events of one POST stay under this.
  requestBytes: 90000,
  // A day's list is closed once the day is over by more than a handler's 20 s run, so that no
  // handler still appends to it.
  closeAfterMs: 60000,
  // The drain's first run looks for lists this many days back.
  lookBackDays: 7,
};

const LOG_PREFIX = forward.LOG_PREFIX;

var api = {
  KEYS: KEYS,
  DRAIN: DRAIN,
  STORE_LIMIT_BYTES: STORE_LIMIT_BYTES,
  parkable: parkable,
  park: park,
  drain: drain,
  ensureSchedule: ensureSchedule,
  dayOf: dayOf,
  utf8Bytes: utf8Bytes,
};
if (typeof module === 'object' && module) module.exports = api;
exports = api;

/**
 * Whether an undelivered event should wait in the outbox: yes unless the dashboard judged the
 * event itself (400 invalid, 413 too large, 415, 422), which sending again cannot change. A
 * refused token (401, 403), a wrong route (404), a rate limit, the dashboard down or a setting
 * not yet correct all pass once someone fixes them.
 */
function parkable(result) {
  if (result.outcome === 'misconfigured' || result.outcome === 'failed') return true;
  if (result.outcome !== 'rejected') return false;
  return [400, 413, 415, 422].indexOf(result.status) === -1;
}

/**
 * Keeps one undelivered event (`body`: its JSON without iparams). Resolves { parked: true, id }
 * or { parked: false, why }; never throws.
 */
async function park(body, event, runtime) {
  const id = newId(runtime);
  const record = { body: body, conversation: event.conversationId, event: event.name, at: new Date(runtime.now()).toISOString() };
  const size = utf8Bytes(KEYS.event(id)) + utf8Bytes(JSON.stringify(record));
  if (size > STORE_LIMIT_BYTES) return { parked: false, why: 'the event is ' + size + ' bytes, more than the ' + STORE_LIMIT_BYTES + ' the app store takes' };
  try {
    await runtime.db.set(KEYS.event(id), record);
  } catch (error) {
    return { parked: false, why: 'the app store refused it (' + storeError(error) + ')' };
  }
  try {
    // `append` creates the list when the day has none yet, and adds to it atomically otherwise.
    await runtime.db.update(KEYS.day(dayOf(runtime.now())), 'append', { ids: [id] });
  } catch (error) {
    // Not listed, it would never be sent: take it back out (best effort).
    await runtime.db.delete(KEYS.event(id)).catch(function () {});
    return { parked: false, why: 'the app store refused to list it (' + storeError(error) + ')' };
  }
  // Scheduled when the app is installed; checked again here for an app updated in place, which
  // is not installed again (a scheduler call, not a store operation).
  await ensureSchedule(runtime);
  return { parked: true, id: id };
}

/**
 * Creates the recurring schedule that drains the outbox, unless it exists. Called when the app
 * is installed and whenever an event is kept (an app updated in place is not installed
 * again). Resolves 'created', 'exists' or 'failed'; never throws.
 */
async function ensureSchedule(runtime) {
  try {
    await runtime.schedule.fetch({ name: DRAIN.scheduleName });
    return 'exists';
  } catch (error) {
    if (!notFound(error)) {
      runtime.log.warn(LOG_PREFIX + ' could not check the outbox schedule: ' + storeError(error));
    }
  }
  try {
    await runtime.schedule.create({
      name: DRAIN.scheduleName,
      data: { task: 'drain-outbox' },
      schedule_at: new Date(runtime.now() + 60000).toISOString(),
      repeat: { time_unit: 'minutes', frequency: DRAIN.everyMinutes },
    });
    return 'created';
  } catch (error) {
    if (/already exists/i.test(storeError(error))) return 'exists';
    runtime.log.error(LOG_PREFIX + ' could not schedule the outbox drain (' + storeError(error) + '): events that could not be delivered wait until it is scheduled');
    return 'failed';
  }
}

/**
 * One run of the drain (the scheduled event, whose `data` it is given): sends waiting events,
 * oldest day first, in one batch of at most DRAIN.eventsPerRun, and deletes those the dashboard
 * answered for; schedules the next run a minute later if events are left. Stops at the first
 * failure and leaves the rest for the next run. Resolves a summary; never throws.
 */
async function drain(iparams, runtime, data) {
  const summary = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, stopped: null };
  // A one-time schedule that has fired is removed, so that the name is free for the next one
  // (whether or not the platform keeps fired schedules).
  if (data && data.followUp) await runtime.schedule.delete({ name: DRAIN.followUpName }).catch(function () {});
  let state;
  try {
    state = await getOrNull(runtime, KEYS.state);
  } catch (error) {
    summary.stopped = 'store: ' + storeError(error);
    runtime.log.warn(LOG_PREFIX + ' outbox drain skipped: could not read its place (' + storeError(error) + ')');
    return summary;
  }
  const today = dayOf(runtime.now());
  if (!state) {
    // The first run: start at the oldest list of the last days (a handler parks before any run
    // when the dashboard fails right after installation), else today.
    try {
      state = { day: await oldestListSince(runtime, today), drained: 0 };
      await runtime.db.set(KEYS.state, state);
    } catch (error) {
      summary.stopped = 'store: ' + storeError(error);
      runtime.log.warn(LOG_PREFIX + ' outbox drain skipped: could not find where to start (' + storeError(error) + ')');
      return summary;
    }
  }
  const start = { day: state.day, drained: state.drained };
  try {
    for (;;) {
      const list = await getOrNull(runtime, KEYS.day(state.day));
      const ids = list && Array.isArray(list.ids) ? list.ids : [];
      const waiting = ids.slice(state.drained);
      if (waiting.length === 0) {
        if (state.day >= today || runtime.now() < dayEndMs(state.day) + DRAIN.closeAfterMs) break;
        await runtime.db.delete(KEYS.day(state.day)).catch(ignoreNotFound);
        state = { day: nextDay(state.day), drained: 0 };
        continue;
      }
      const batch = await readBatch(runtime, waiting.slice(0, DRAIN.eventsPerRun));
      if (batch.records.length === 0) {
        state = { day: state.day, drained: state.drained + batch.taken };
        continue;
      }
      const outcome = await sendBatch(iparams, runtime, batch.records);
      if (!outcome.ok) {
        summary.stopped = outcome.why;
        runtime.log.warn(LOG_PREFIX + ' outbox: ' + waiting.length + ' waiting event' + plural(waiting.length) + ' of ' + state.day + ' not sent: ' + outcome.why + '; trying again in ' + DRAIN.everyMinutes + ' minutes');
        break;
      }
      summary.sent = batch.records.length;
      summary.accepted = outcome.accepted;
      summary.duplicates = outcome.duplicates;
      summary.rejected = outcome.rejected.length;
      for (const item of outcome.rejected) {
        const record = batch.records[item.index];
        if (record) runtime.log.error(LOG_PREFIX + ' outbox: the dashboard rejected ' + record.event + ' for conversation ' + record.conversation + ' (waiting since ' + record.at + '): ' + redactIssues(item) + '; dropped');
      }
      // Deleted before the place moves on: a run stopped in between sends the rest again (the
      // dashboard counts them as duplicates) instead of leaving them in the store for good.
      for (const record of batch.records) await runtime.db.delete(KEYS.event(record.id)).catch(ignoreNotFound);
      state = { day: state.day, drained: state.drained + batch.taken };
      if (waiting.length > batch.taken || state.day < today) await followUp(runtime);
      break; // one batch a run: the store's operations a minute are shared with the handlers
    }
  } catch (error) {
    summary.stopped = 'store: ' + storeError(error);
    runtime.log.warn(LOG_PREFIX + ' outbox drain stopped by the app store (' + storeError(error) + '); trying again in ' + DRAIN.everyMinutes + ' minutes');
  }
  if (state.day !== start.day || state.drained !== start.drained) {
    await runtime.db.set(KEYS.state, state).catch(function (error) {
      // The batch is delivered; the next run sends it again, and the dashboard counts it as duplicates.
      runtime.log.warn(LOG_PREFIX + ' outbox: could not save the drain\'s place (' + storeError(error) + ')');
    });
  }
  if (summary.sent > 0) {
    runtime.log.info(LOG_PREFIX + ' outbox: sent ' + summary.sent + ' waiting event' + plural(summary.sent) + ': ' + summary.accepted + ' stored, ' + summary.duplicates + ' already there, ' + summary.rejected + ' rejected');
  }
  return summary;
}

/** Schedules one more run a minute from now, unless one is pending. Never throws. */
async function followUp(runtime) {
  try {
    await runtime.schedule.create({
      name: DRAIN.followUpName,
      data: { task: 'drain-outbox', followUp: true },
      schedule_at: new Date(runtime.now() + DRAIN.followUpAfterMs).toISOString(),
    });
  } catch (error) {
    if (!/already exists/i.test(storeError(error)) && error.status !== 409) {
      runtime.log.warn(LOG_PREFIX + ' outbox: could not schedule the next run a minute from now (' + storeError(error) + '); the rest goes out every ' + DRAIN.everyMinutes + ' minutes');
    }
  }
}

/** The oldest day of the last DRAIN.lookBackDays that has a list, or `today`. */
async function oldestListSince(runtime, today) {
  const startOfToday = dayEndMs(today) - 86400000;
  for (let back = DRAIN.lookBackDays; back > 0; back--) {
    const candidate = dayOf(startOfToday - back * 86400000);
    if (await getOrNull(runtime, KEYS.day(candidate))) return candidate;
  }
  return today;
}

/** The waiting events of `ids` that still exist, as many as fit one request body. */
async function readBatch(runtime, ids) {
  const records = [];
  let bytes = 2;
  let taken = 0;
  for (const id of ids) {
    const record = await getOrNull(runtime, KEYS.event(id));
    if (record && typeof record.body === 'string') {
      const size = utf8Bytes(record.body) + 1;
      if (records.length > 0 && bytes + size > DRAIN.requestBytes) break;
      bytes += size;
      records.push({ id: id, body: record.body, conversation: record.conversation, event: record.event, at: record.at });
    }
    // A missing one was delivered by a run that stopped before saving its place.
    taken += 1;
  }
  return { records: records, taken: taken };
}

async function sendBatch(iparams, runtime, records) {
  const host = forward.dashboardHost(iparams && iparams.dashboard_url);
  if (!host) return { ok: false, why: 'the app setting dashboard_url is not an https:// address with a host name' };
  const body = '[' + records.map(function (r) { return r.body; }).join(',') + ']';
  const result = await forward.attemptOnce(runtime, { context: { dashboard_host: host }, body: body });
  const answer = parseAnswer(result.body);
  const judged = answer && typeof answer.accepted === 'number' && Array.isArray(answer.rejected);
  // 2xx, or the 400 that says every item was invalid: either way each item has its verdict.
  if (judged && (forward.classify(result.status) === 'delivered' || result.status === 400)) {
    return { ok: true, accepted: answer.accepted, duplicates: answer.duplicates || 0, rejected: answer.rejected };
  }
  const said = result.body ? '; dashboard said: ' + forward.redact(result.body) : '';
  return { ok: false, why: (result.status === null ? 'no HTTP status' + (result.message ? ' (' + forward.redact(result.message) + ')' : '') : 'status ' + result.status) + said };
}

function parseAnswer(text) {
  if (typeof text !== 'string') return text && typeof text === 'object' ? text : null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function redactIssues(item) {
  const issues = Array.isArray(item.issues) ? item.issues : [];
  return forward.redact(issues.map(function (i) { return i.path + ': ' + i.message; }).join('; ') || 'no reason given');
}

async function getOrNull(runtime, key) {
  try {
    return await runtime.db.get(key);
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}

function notFound(error) {
  return Boolean(error) && (error.status === 404 || /not found/i.test(String(error.message || '')));
}

function ignoreNotFound(error) {
  if (!notFound(error)) throw error;
}

function storeError(error) {
  if (!error) return 'unknown error';
  const status = typeof error.status === 'number' ? 'status ' + error.status : null;
  const message = error.message ? forward.redact(error.message) : null;
  return [status, message].filter(Boolean).join(': ') || forward.redact(String(error));
}

/** A key-safe id, unique enough across handlers running at once: the time, then 8 random base-36 digits. */
function newId(runtime) {
  let random = '';
  for (let i = 0; i < 8; i++) random += Math.floor(runtime.random() * 36).toString(36);
  return runtime.now().toString(36) + random;
}

/** The UTC day of an epoch time in milliseconds, as YYYYMMDD. */
function dayOf(ms) {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

function dayEndMs(day) {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)) + 1);
}

function nextDay(day) {
  return dayOf(dayEndMs(day));
}

/** The size of `text` in UTF-8 (the sandbox has neither Buffer nor TextEncoder). */
function utf8Bytes(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i += 1;
    } else bytes += 3; // the rest of the plane, and a lone surrogate (written as U+FFFD)
  }
  return bytes;
}

function isLowSurrogate(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

function plural(count) {
  return count === 1 ? '' : 's';
}
