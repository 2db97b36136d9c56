// Freshchat conversation events → the dashboard's POST /api/events (see ../README.md).
// The forwarding rules (what is sent, what is retried, what is logged) are in lib/forward.js.
const forward = require('./lib/forward');

exports = {
  // Refuses the installation, with the reason, when the dashboard cannot be reached with these
  // settings (renderData() installs, renderData({ message }) refuses).
  onAppInstallHandler: function (payload) {
    return forward.checkInstallation(payload && payload.iparams, forward.platformRuntime($request, console)).then(function (problem) {
      if (problem) renderData({ message: problem });
      else renderData();
    });
  },

  onConversationCreateHandler: function (payload) {
    return forward.forwardEvent(payload, forward.platformRuntime($request, console));
  },

  onConversationUpdateHandler: function (payload) {
    return forward.forwardEvent(payload, forward.platformRuntime($request, console));
  },
};
