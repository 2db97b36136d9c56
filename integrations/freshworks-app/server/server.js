// Freshchat conversation events → the dashboard's POST /api/events (see ../README.md).
// The forwarding rules (what is sent, what is retried, what is logged) are in lib/forward.js;
// what happens to an event that could not be delivered, in lib/outbox.js.
const forward = require('./lib/forward');
const outbox = require('./lib/outbox');

function runtime() {
  return forward.platformRuntime($request, console, { db: $db, schedule: $schedule, outbox: outbox });
}

exports = {
  // Refuses the installation, with the reason, when the dashboard cannot be reached with these
  // settings (renderData() installs, renderData({ message }) refuses); on success, schedules the
  // outbox's drain and prepares its lists.
  onAppInstallHandler: function (payload) {
    const platform = runtime();
    return forward.checkInstallation(payload && payload.iparams, platform).then(function (problem) {
      if (problem) return renderData({ message: problem });
      return outbox.installed(platform).then(function () {
        renderData();
      });
    });
  },

  onConversationCreateHandler: function (payload) {
    return forward.forwardEvent(payload, runtime());
  },

  onConversationUpdateHandler: function (payload) {
    return forward.forwardEvent(payload, runtime());
  },

  // The outbox's schedules (lib/outbox.js, DRAIN): send events that are waiting.
  onScheduledEventHandler: function (payload) {
    return outbox.drain(payload && payload.iparams, runtime());
  },
};
