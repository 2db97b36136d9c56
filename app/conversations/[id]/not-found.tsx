import '../conversations.css';

/** An id that is not (or not yet) stored: say so, and offer the way back. */
export default function ConversationNotFound() {
  return (
    <main id="main">
      <h1>Conversation not found</h1>
      <p className="empty">
        No conversation with this id is stored. It may not have sent an event yet, or the link may be wrong. <a href="/conversations">Back to the conversations</a>
      </p>
    </main>
  );
}
