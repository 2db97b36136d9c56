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
 * text in one string field), no way to list keys, one recurring schedule per installation whose
 * first run is at least 5 minutes away, a request body of at most 100 KB, and 20 s a handler.
 *
 * Layout of the store:
 *   fwd:<id>          { body, conversation, event, at }   one waiting event (its JSON without iparams),
 *                                                          kept for DRAIN.keepDays by the store's ttl
 *   outbox:<YYYYMMDD> { ids: [...] }                       the ids kept that UTC day, in order; only appended to
 *   outbox            { day, drained, next? }              the drain's place: the first day not yet done, how
 *                                                          many of its ids are, and while that day's list stays
 *                                                          open (the hour after it), how many of the next day's
 *                                                          are; written by the drain only
 * Keeping an event costs two operations: its id appended to the day's list (`append` adds to it
 * in the store, so handlers running at once do not overwrite each other; the drain creates each
 * day's list the evening before, and `append` creates a missing one), then the event. In that
 * order: a handler stopped in between leaves an id without its event, which the drain reports,
 * where the other order would leave an event no list names, lost without a word. The id begins
 * with the time, so the drain waits for an id a handler may still be writing the event of. A
 * day's list is deleted once the day is over and done. Sent events are not deleted one by one
 * (an operation each, which would halve what a run can send): the drain's place moves past
 * them, and the store's ttl removes them.
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
  // The interval of Freshworks' own recurring example, taken as the shortest it accepts.
  everyMinutes: 5,
  // A schedule's first run must be at least 5 minutes away.
  firstRunAfterMs: 6 * 60000,
  // Store operations a run, all counted (its place, the lists, each event read, its place saved):
  // 44 of the 50 a minute, the rest left for events kept meanwhile.
  storeOpsPerRun: 44,
  // The first request of a run carries this many events: a dashboard still down costs the run
  // a handful of reads, not a full batch's.
  probeEvents: 5,
  // A request body may hold 100 KB; the events of one POST stay under this.
  requestBytes: 90000,
  // No read or request starts later than this into a run: a request may take 15 s, and the run
  // must save its place within the handler's 20 s.
  startWithinMs: 4000,
  // A day's list is closed an hour after the day's end: a handler that began before midnight, on
  // a machine whose clock is a little off, may still append to it. Meanwhile the next day's list
  // is sent as well.
  closeAfterMs: 3600000,
  // Runs in the last hours of a UTC day create the next day's list, so that handlers only append.
  prepareWithinMs: 3 * 3600000,
  // An id listed without its event, younger than this, is being kept right now: the run waits.
  youngMs: 60000,
  // The drain's first run looks for lists this many days back.
  lookBackDays: 7,
  // How long the store keeps a waiting event (its ttl): sent ones go with it, and one the
  // dashboard has not taken in that time is given up.
  keepDays: 30,
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
  prepareLists: prepareLists,
  installed: installed,
  dayOf: dayOf,
  utf8Bytes: utf8Bytes,
};
if (typeof module === 'object' && module) module.exports = api;
exports = api;

/**
 * Whether an undelivered event should wait in the outbox: yes unless the dashboard judged the
 * event itself (400 invalid, 413 too large, 415, 422: forward.js calls a 4xx without the
 * dashboard's answer a failure), which sending again cannot change. A
 * refused token (401, 403), a wrong route (404), a rate limit, the dashboard down or a setting
 * not yet correct all pass once someone fixes them.
 */
function parkable(result) {
  if (result.outcome === 'misconfigured' || result.outcome === 'failed') return true;
  if (result.outcome !== 'rejected') return false;
  return [400, 413, 415, 422].indexOf(result.status) === -1;
}

/**
 * Keeps one undelivered event (`body`: its JSON without iparams). `checkScheduleBy` (epoch ms):
 * past it, the handler is near its 20 s and skips checking the drain's schedule. Resolves
 * { parked: true, id } or { parked: false, why }; never throws.
 */
async function park(body, event, runtime, checkScheduleBy) {
  const id = newId(runtime);
  const record = { body: body, conversation: event.conversationId, event: event.name, at: new Date(runtime.now()).toISOString() };
  const size = utf8Bytes(KEYS.event(id)) + utf8Bytes(JSON.stringify(record));
  if (size > STORE_LIMIT_BYTES) return { parked: false, why: 'the event is ' + size + ' bytes, more than the ' + STORE_LIMIT_BYTES + ' the app store takes' };
  try {
    await runtime.db.update(KEYS.day(dayOf(runtime.now())), 'append', { ids: [id] });
  } catch (error) {
    return { parked: false, why: 'the app store refused to list it (' + storeError(error) + ')' };
  }
  try {
    await runtime.db.set(KEYS.event(id), record, { ttl: DRAIN.keepDays * 86400 });
  } catch (error) {
    // Listed without its event: the drain reports the id as not in the store.
    return { parked: false, why: 'the app store refused it (' + storeError(error) + ')' };
  }
  // Scheduled when the app is installed; checked again here for an app updated in place, which
  // is not installed again (a scheduler call, not a store operation).
  if (checkScheduleBy === undefined || runtime.now() < checkScheduleBy) await ensureSchedule(runtime);
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
      schedule_at: new Date(runtime.now() + DRAIN.firstRunAfterMs).toISOString(),
      repeat: { time_unit: 'minutes', frequency: DRAIN.everyMinutes },
    });
    return 'created';
  } catch (error) {
    if (/already exists/i.test(storeError(error))) return 'exists';
    runtime.log.error(LOG_PREFIX + ' could not schedule the outbox drain (' + storeError(error) + '): events that could not be delivered wait until it is scheduled');
    return 'failed';
  }
}

/** When the app is installed: the drain's schedule, and today's and tomorrow's lists. Never throws. */
async function installed(runtime) {
  await ensureSchedule(runtime);
  const today = dayOf(runtime.now());
  await prepareLists(runtime.db, [today, nextDay(today)]);
}

/**
 * Creates empty lists for `days` that have none (`setIf: 'not_exist'`), so that handlers append
 * to a list that exists rather than two of them creating it at once. Never throws.
 */
async function prepareLists(db, days) {
  for (const day of days) await db.set(KEYS.day(day), { ids: [] }, { setIf: 'not_exist' }).catch(function () {});
}

/**
 * One run of the drain (the scheduled event): sends waiting events, oldest day first, in order,
 * the first request a probe of DRAIN.probeEvents, the next ones up to 90 KB, within
 * DRAIN.storeOpsPerRun store operations and DRAIN.startWithinMs; moves its place past each
 * request the dashboard answered item by item. Stops at the first failure and leaves the rest
 * for the next run. Resolves a summary; never throws.
 */
async function drain(iparams, runtime) {
  const summary = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, expired: 0, stopped: null };
  const host = forward.dashboardHost(iparams && iparams.dashboard_url);
  if (!host) {
    summary.stopped = 'the app setting dashboard_url is not an https:// address with a host name';
    runtime.log.warn(LOG_PREFIX + ' outbox: nothing sent: ' + summary.stopped + '; trying again in ' + DRAIN.everyMinutes + ' minutes');
    return summary;
  }
  const startedAt = runtime.now();
  const budget = { left: DRAIN.storeOpsPerRun };
  const db = counted(runtime.db, budget);
  // One operation is kept for saving the place.
  const canGoOn = function () {
    return budget.left > 1 && runtime.now() - startedAt < DRAIN.startWithinMs;
  };
  const today = dayOf(startedAt);
  let state;
  try {
    state = await readPlace(db, today);
  } catch (error) {
    summary.stopped = 'store: ' + storeError(error);
    runtime.log.warn(LOG_PREFIX + ' outbox drain skipped: could not read its place (' + storeError(error) + ')');
    return summary;
  }
  const start = state;
  const gone = [];
  let requests = 0;
  try {
    if (dayEndMs(today) - startedAt <= DRAIN.prepareWithinMs) await prepareLists(db, [nextDay(today)]);
    /**
     * Sends the events `ids` (day `day`'s list) names from position `from` on, in order, a request
     * at a time; resolves how far it got and whether the run stops there (a failure, a young id,
     * the run's budget or time spent).
     */
    const sendFrom = async function (day, ids, from) {
      let drained = from;
      while (drained < ids.length) {
        // Gather the next request's events, in order.
        const batch = [];
        let bytes = 2;
        let position = drained;
        let waitForYoung = false;
        const most = requests === 0 ? DRAIN.probeEvents : ids.length;
        while (position < ids.length && batch.length < most && canGoOn()) {
          const id = ids[position];
          const record = await getOrNull(db, KEYS.event(id));
          if (!record || typeof record.body !== 'string') {
            if (startedAt - idTime(id) < DRAIN.youngMs) {
              waitForYoung = true;
              break;
            }
            gone.push({ day: day, position: position, id: id });
            position += 1;
            continue;
          }
          const size = utf8Bytes(record.body) + 1;
          // One that does not fit is read again for the next request.
          if (batch.length > 0 && bytes + size > DRAIN.requestBytes) break;
          batch.push({ position: position, id: id, body: record.body, conversation: record.conversation, event: record.event, at: record.at });
          bytes += size;
          position += 1;
        }
        if (batch.length === 0) {
          // Only ids without their event (passed), or one being written now (waited for).
          drained = position;
          if (waitForYoung || !canGoOn()) return { drained: drained, stop: true };
          continue;
        }
        const outcome = await sendBatch(host, runtime, batch);
        requests += 1;
        if (!outcome.ok) {
          drained = batch[0].position;
          summary.stopped = outcome.why;
          const left = ids.length - drained;
          runtime.log.warn(LOG_PREFIX + ' outbox: ' + left + ' waiting event' + plural(left) + ' of ' + day + ' not sent: ' + outcome.why + '; trying again in ' + DRAIN.everyMinutes + ' minutes');
          return { drained: drained, stop: true };
        }
        summary.sent += batch.length;
        summary.accepted += outcome.accepted;
        summary.duplicates += outcome.duplicates;
        summary.rejected += outcome.rejected.length;
        for (const item of outcome.rejected) {
          const record = batch[item.index];
          if (record) runtime.log.error(LOG_PREFIX + ' outbox: the dashboard rejected ' + record.event + ' for conversation ' + record.conversation + ' (waiting since ' + record.at + '): ' + redactIssues(item) + '; dropped');
        }
        drained = position;
        if (waitForYoung || !canGoOn()) return { drained: drained, stop: true };
      }
      return { drained: drained, stop: false };
    };
    while (canGoOn()) {
      const list = await readList(db, state.day, state.day < today);
      const ids = idsOf(list);
      if (state.drained < ids.length) {
        const done = await sendFrom(state.day, ids, state.drained);
        state = place(state.day, done.drained, state.next);
        if (done.stop) break;
        continue;
      }
      // All that state.day's list names is sent.
      if (state.day >= today) break;
      if (runtime.now() >= dayEndMs(state.day) + DRAIN.closeAfterMs) {
        if (list) await db.delete(KEYS.day(state.day)).catch(ignoreNotFound);
        state = place(nextDay(state.day), state.next || 0);
        continue;
      }
      // Yesterday's list stays open for an hour after its end (a handler whose clock is a little
      // behind may still append to it), and is read again by each run; today's is sent meanwhile,
      // from a place of its own (`next`), so what was kept since midnight does not wait for the hour.
      const following = nextDay(state.day);
      const done = await sendFrom(following, idsOf(await readList(db, following, following < today)), state.next || 0);
      state = place(state.day, state.drained, done.drained);
      break;
    }
  } catch (error) {
    summary.stopped = 'store: ' + storeError(error);
    runtime.log.warn(LOG_PREFIX + ' outbox drain stopped by the app store (' + storeError(error) + '); trying again in ' + DRAIN.everyMinutes + ' minutes');
  }
  reportGone(runtime, gone, state, summary);
  if (state.day !== start.day || state.drained !== start.drained || state.next !== start.next) {
    await runtime.db.set(KEYS.state, state).catch(function (error) {
      // What was delivered is sent again by the next run, and counted as duplicates.
      runtime.log.warn(LOG_PREFIX + ' outbox: could not save the drain\'s place (' + storeError(error) + ')');
    });
  }
  if (summary.sent > 0) {
    runtime.log.info(LOG_PREFIX + ' outbox: sent ' + summary.sent + ' waiting event' + plural(summary.sent) + ': ' + summary.accepted + ' stored, ' + summary.duplicates + ' already there, ' + summary.rejected + ' rejected');
  }
  return summary;
}

/** The ids the place moved past without their event: counted and named once, in one error line. */
function reportGone(runtime, gone, state, summary) {
  const passed = gone.filter(function (g) {
    if (g.day === state.day) return g.position < state.drained;
    return g.day < state.day || (g.day === nextDay(state.day) && g.position < (state.next || 0));
  });
  summary.expired = passed.length;
  if (passed.length === 0) return;
  runtime.log.error(
    LOG_PREFIX + ' outbox: ' + passed.length + ' listed event' + plural(passed.length) + ' not in the app store (past the ' + DRAIN.keepDays + ' days it keeps them, or never stored, as its handler then logged), passed: ' +
      passed.map(function (g) { return g.id; }).join(', '),
  );
}

/**
 * The drain's place: the first day whose list is not yet done and closed, how many of its ids
 * are done, and, while that day's list is done but still open (the hour after the day), how many
 * of the next day's are (`next`).
 */
function place(day, drained, next) {
  return next === undefined ? { day: day, drained: drained } : { day: day, drained: drained, next: next };
}

/**
 * The drain's place. Missing (read twice, a one-off "not found" being no proof), this is the
 * first run: it starts at the oldest list of the last days (a handler keeps events before any
 * run when the dashboard fails right after installation), else today.
 */
async function readPlace(db, today) {
  const saved = (await getOrNull(db, KEYS.state)) || (await getOrNull(db, KEYS.state));
  if (saved) return place(String(saved.day), Number(saved.drained) || 0, saved.next === undefined || saved.next === null ? undefined : Number(saved.next) || 0);
  const state = place(await oldestListSince(db, today), 0);
  await db.set(KEYS.state, state);
  await prepareLists(db, [today]);
  return state;
}

/** A day's list; for a past day, a "not found" is read again before it counts as no list. */
async function readList(db, day, past) {
  const list = await getOrNull(db, KEYS.day(day));
  return list || !past ? list : getOrNull(db, KEYS.day(day));
}

/** The ids a day's list holds (none when it has no list). */
function idsOf(list) {
  return list && Array.isArray(list.ids) ? list.ids : [];
}

/** `db` with every operation counted against `budget.left`. */
function counted(db, budget) {
  const count = function (name) {
    return function () {
      budget.left -= 1;
      return db[name].apply(db, arguments);
    };
  };
  return { get: count('get'), set: count('set'), update: count('update'), delete: count('delete') };
}

/** The oldest day of the last DRAIN.lookBackDays that has a list, or `today`. */
async function oldestListSince(db, today) {
  const startOfToday = dayEndMs(today) - 86400000;
  for (let back = DRAIN.lookBackDays; back > 0; back--) {
    const candidate = dayOf(startOfToday - back * 86400000);
    if (await getOrNull(db, KEYS.day(candidate))) return candidate;
  }
  return today;
}

async function sendBatch(host, runtime, records) {
  const body = '[' + records.map(function (r) { return r.body; }).join(',') + ']';
  const result = await forward.attemptOnce(runtime, { context: { dashboard_host: host }, body: body });
  const answer = forward.parseAnswer(result.body);
  const judged = answer && typeof answer.accepted === 'number' && Array.isArray(answer.rejected);
  // 2xx, or the 400 that says every item was invalid: either way each item has its verdict.
  if (judged && (forward.classify(result.status) === 'delivered' || result.status === 400)) {
    return { ok: true, accepted: answer.accepted, duplicates: answer.duplicates || 0, rejected: answer.rejected };
  }
  return { ok: false, why: forward.statusLabel(result) + forward.dashboardSaid(result) };
}


function redactIssues(item) {
  const issues = Array.isArray(item.issues) ? item.issues : [];
  return forward.redact(issues.map(function (i) { return i.path + ': ' + i.message; }).join('; ') || 'no reason given');
}

async function getOrNull(db, key) {
  try {
    return await db.get(key);
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

/** The time (epoch ms) an id was made at. */
function idTime(id) {
  return parseInt(String(id).slice(0, -8), 36) || 0;
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
