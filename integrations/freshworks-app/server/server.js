// Freshchat conversation events → the dashboard's POST /api/events (see ../README.md).
// The forwarding rules (what is sent, what is retried, what is logged) are in lib/forward.js.
const forward = require('./lib/forward');

exports = {
  onConversationCreateHandler: function (payload) {
    return forward.forwardEvent(payload, forward.platformRuntime($request, console));
  },

  onConversationUpdateHandler: function (payload) {
    return forward.forwardEvent(payload, forward.platformRuntime($request, console));
  },
};
