/* Live updates over one WebSocket (ws/live/), no framework.
 *
 * Every element with data-live-stream is a subscription. The page is rendered with the
 * stream's last event id (data-live-last-id), so subscribing with it replays anything that
 * happened between the render and the connection; a reconnect (dropped network, restarted
 * server) does the same with the last id seen. Events are dropped by id if already seen.
 *
 * Two roles:
 *  - data-live-role="queue" (the moderation queue): new posts are inserted, claims shown,
 *    decided posts removed; focus moves only if it was inside a removed item.
 *  - data-live-role="discussion" (plan and idea pages): new published posts are announced
 *    politely ("3 new comments – show") and inserted only when the reader asks; hidden posts
 *    are removed. Focus and the reading position are never moved.
 *
 * When the server cannot carry live updates (Redis down) it says {"type": "paused"} and closes
 * with 1013: a short visible notice says so (spoken once through the polite region, focus
 * untouched), the socket reconnects with backoff, and the first successful subscribe replays
 * what was missed and takes the notice away.
 */
(function () {
  "use strict";

  var subscriptions = Array.prototype.slice.call(document.querySelectorAll("[data-live-stream]"));
  focusRequested();
  if (!subscriptions.length || !("WebSocket" in window)) return;

  var lastIds = {};
  var handlers = {};
  var socket = null;
  var attempt = 0;
  var everConnected = false;
  var announcedOffline = false;
  var paused = false;
  var stopped = false;
  var status = null;

  subscriptions.forEach(function (root) {
    var stream = root.getAttribute("data-live-stream");
    // Without a rendered last id the first connection starts from now.
    var rendered = parseInt(root.getAttribute("data-live-last-id") || "", 10);
    lastIds[stream] = isNaN(rendered) ? null : rendered;
    var role = root.getAttribute("data-live-role") || "discussion";
    handlers[stream] = role === "queue" ? queueHandler(root) : discussionHandler(root);
  });

  function announcer() {
    return (subscriptions[0] && subscriptions[0].querySelector(".live-notice")) ||
      document.querySelector("[data-live-announcer]");
  }

  function announce(text) {
    var region = announcer();
    if (!region || !text) return;
    // Replace the text so screen readers read it once (a polite live region).
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function message(root, name, values) {
    var attribute = "data-msg-" + name;
    var fallback = document.querySelector("[data-live-messages]");
    var text = root.getAttribute(attribute) || (fallback && fallback.getAttribute(attribute)) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  // A visible line for "live updates are paused"; not a live region itself (the announcer
  // speaks it once), fixed at the bottom of the window so nothing on the page moves.
  function showStatus(text) {
    if (!status && text) {
      status = document.createElement("p");
      status.className = "live-status";
      status.setAttribute("data-live-status", "");
      document.body.appendChild(status);
    }
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  }

  function pause() {
    if (paused) return;
    paused = true;
    var text = message(subscriptions[0], "paused");
    showStatus(text);
    announce(text);
  }

  function resumed() {
    attempt = 0;
    if (!paused && !announcedOffline) return;
    paused = false;
    announcedOffline = false;
    showStatus("");
    announce(message(subscriptions[0], "online"));
  }

  // ------------------------------------------------------------ the connection

  // A stream this page may no longer read: tell the person once, visibly and politely,
  // and leave it out of every later reconnect.
  function ended(stream, reason) {
    if (!(stream in lastIds)) return;
    var root = document.querySelector('[data-live-stream="' + stream + '"]') || subscriptions[0];
    delete lastIds[stream];
    var text = message(root, reason);
    showStatus(text);
    announce(text);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    socket.addEventListener("open", function () {
      // The backoff is reset by the first answer to a subscribe, not here: a server that
      // accepts and then pauses at once must still be retried ever more slowly.
      Object.keys(lastIds).forEach(function (stream) {
        var request = { type: "subscribe", stream: stream };
        if (lastIds[stream] !== null) request.last_event_id = lastIds[stream];
        socket.send(JSON.stringify(request));
      });
      everConnected = true;
      document.documentElement.setAttribute("data-live", "connected");
    });
    socket.addEventListener("message", function (frame) {
      var event;
      try { event = JSON.parse(frame.data); } catch (e) { return; }
      if (event && event.type === "paused") {
        document.documentElement.setAttribute("data-live", "paused");
        pause();
        return;
      }
      if (event && event.type === "denied" && event.reason === "unauthorised") {
        // The role was taken away or the session ended: say so, and stop asking for it.
        ended(event.stream, "ended");
        return;
      }
      if (event && event.type === "closed" && event.reason === "logged_out") {
        stopped = true;
        Object.keys(lastIds).forEach(function (stream) { ended(stream, "logged-out"); });
        return;
      }
      if (event && (event.type === "subscribed" || event.type === "denied")) {
        resumed();
        return;
      }
      if (!event || typeof event.id !== "number" || !(event.stream in lastIds)) return;
      var seen = lastIds[event.stream];
      if (seen !== null && event.id <= seen) return; // seen already (replay overlapping live)
      lastIds[event.stream] = event.id;
      handlers[event.stream](event);
    });
    socket.addEventListener("close", function () {
      if (stopped || !Object.keys(lastIds).length) return;
      if (!paused) document.documentElement.setAttribute("data-live", "reconnecting");
      socket = null;
      attempt += 1;
      if (everConnected && attempt === 3 && !announcedOffline && !paused) {
        announcedOffline = true;
        announce(message(subscriptions[0], "offline"));
      }
      // Exponential backoff with jitter, at most 30 seconds, so a restarted server is not
      // met by every client at the same instant.
      var delay = Math.min(30000, 500 * Math.pow(2, attempt - 1)) * (0.5 + Math.random() / 2);
      window.setTimeout(connect, delay);
    });
  }

  connect();

  // ------------------------------------------------------------ the moderation queue

  function focusRequested() {
    var target = document.querySelector("[data-autofocus]");
    if (target) target.focus();
  }

  function queueHandler(list) {
    var cardUrl = list.getAttribute("data-card-url");
    var filters = list.getAttribute("data-filters") || "";
    var empty = document.querySelector("[data-queue-empty]");

    function item(id) { return document.getElementById("item-" + id); }

    function refreshEmpty() {
      if (empty) empty.hidden = list.querySelector(".moderation-item") !== null;
    }

    function fetchCard(id) {
      var url = cardUrl.replace(/\/0\/card\//, "/" + id + "/card/") + (filters ? "?" + filters : "");
      return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.status === 200 ? response.text() : ""; })
        .then(function (html) {
          if (!html) return null;
          var holder = document.createElement("ol");
          holder.innerHTML = html.trim();
          return holder.querySelector(".moderation-item");
        });
    }

    function insert(id) {
      return fetchCard(id).then(function (card) {
        if (!card || item(id)) return;
        card.querySelectorAll("[data-autofocus]").forEach(function (el) { el.removeAttribute("data-autofocus"); });
        list.appendChild(card);
        refreshEmpty();
        var name = card.querySelector(".moderation-item__heading");
        announce(message(list, "new", { name: name ? name.textContent.trim() : "" }));
      });
    }

    function replace(id) {
      var current = item(id);
      if (!current) return insert(id);
      // Keep whatever the moderator is typing in: only the parts that show state change.
      return fetchCard(id).then(function (card) {
        if (!card || !item(id)) return;
        ["[data-claim]", "[data-preview]", ".moderation-item__meta"].forEach(function (selector) {
          var fresh = card.querySelector(selector);
          var old = current.querySelector(selector);
          if (fresh && old) old.replaceWith(fresh);
        });
      });
    }

    function remove(id) {
      var current = item(id);
      if (!current) return;
      var hadFocus = current.contains(document.activeElement);
      var next = current.nextElementSibling || current.previousElementSibling;
      current.remove();
      refreshEmpty();
      if (hadFocus) {
        var heading = next && next.querySelector(".moderation-item__heading");
        (heading || document.querySelector("h1")).focus();
      }
      announce(message(list, "gone"));
    }

    return function (event) {
      var id = event.contribution_id;
      switch (event.type) {
        case "contribution.created":
        case "contribution.reported":
          if (item(id)) replace(id); else insert(id);
          break;
        case "contribution.claimed":
          var claim = item(id) && item(id).querySelector("[data-claim]");
          if (claim) claim.textContent = message(list, "claimed", { name: event.claimed_by_name });
          replace(id);
          break;
        case "contribution.released":
        case "contribution.edited":
          replace(id);
          break;
        case "contribution.decided":
          remove(id);
          break;
      }
    };
  }

  // ------------------------------------------------------------ readers of a discussion

  function discussionHandler(root) {
    var waiting = [];
    var notice = root.querySelector(".live-notice") || document.querySelector("[data-live-announcer]");
    var button = null;
    // The region only speaks; what sighted readers see is the button, fixed at the bottom of
    // the window so that nothing on the page moves when it appears.
    if (notice) notice.classList.add("ds-sr-only");

    function render(event) {
      var template = document.querySelector("template[data-live-template='" + event.kind + "']");
      if (!template) return null;
      var node = template.content.firstElementChild.cloneNode(true);
      var article = node.matches("article") ? node : node.querySelector("article");
      var prefix = event.kind + "-" + event.contribution_id;
      article.id = prefix;
      article.setAttribute("aria-labelledby", prefix + "-h");
      var name = node.querySelector("[data-field='name']");
      name.id = prefix + "-h";
      name.textContent = event.author_name + (event.organisation_name ? ", " + event.organisation_name : "");
      // An elected representative's comment: the badge's words join the article's name.
      var badge = node.querySelector("[data-field='badge']");
      if (badge && event.author_badge) {
        badge.id = prefix + "-badge";
        badge.querySelector("[data-field='badge-role']").textContent = event.author_badge;
        badge.hidden = false;
        article.setAttribute("aria-labelledby", prefix + "-h " + prefix + "-badge");
      } else if (badge) {
        badge.remove();
      }
      var time = node.querySelector("time");
      if (time && event.published_at) {
        time.setAttribute("datetime", event.published_at);
        try {
          time.textContent = new Intl.DateTimeFormat(document.documentElement.lang || "nb", {
            dateStyle: "long", timeStyle: "short"
          }).format(new Date(event.published_at));
        } catch (e) { time.textContent = event.published_at; }
      }
      // The server made this HTML (sanitised and redacted); it is never the raw text.
      node.querySelector("[data-field='html']").innerHTML = event.html;
      return node;
    }

    function listFor(event) {
      if (event.parent_id) {
        var parent = document.getElementById("comment-" + event.parent_id);
        var li = parent && parent.closest("li");
        if (li) {
          var replies = li.querySelector("ol.comments--replies");
          if (!replies) {
            replies = document.createElement("ol");
            replies.className = "comments comments--replies";
            li.appendChild(replies);
          }
          return replies;
        }
      }
      return document.querySelector("[data-live-list='" + event.kind + "']");
    }

    function showWaiting() {
      var items = waiting;
      var first = null;
      waiting = [];
      items.forEach(function (event) {
        if (document.getElementById(event.kind + "-" + event.contribution_id)) return;
        var list = listFor(event);
        var node = render(event);
        if (!list || !node) return;
        var placeholder = list.querySelector("[data-live-empty]");
        if (placeholder) placeholder.remove();
        list.appendChild(node);
        first = first || node;
      });
      updateNotice();
      if (button) button.remove();
      button = null;
      // The reader asked to see them: take them to the first one.
      if (first) {
        var article = first.matches("article") ? first : first.querySelector("article");
        article.setAttribute("tabindex", "-1");
        article.focus();
      }
    }

    function updateNotice() {
      if (!notice) return;
      if (!waiting.length) { notice.textContent = ""; return; }
      var counts = {};
      var order = [];
      waiting.forEach(function (w) {
        if (!(w.kind in counts)) { counts[w.kind] = 0; order.push(w.kind); }
        counts[w.kind] += 1;
      });
      var parts = order.map(function (kind) {
        var n = counts[kind];
        return message(root, kind + (n === 1 ? "-one" : "-many"), { n: n });
      });
      var text = parts.join(", ") + " – " + message(root, "show");
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "ds-button live-show";
        button.setAttribute("data-variant", "primary");
        button.style.position = "fixed";
        button.style.bottom = "1rem";
        button.style.right = "1rem";
        button.style.zIndex = "1000";
        button.addEventListener("click", showWaiting);
        root.appendChild(button);
      }
      button.textContent = text;
      notice.textContent = text;
    }

    return function (event) {
      var id = event.contribution_id;
      var existing = document.getElementById(event.kind + "-" + id);
      switch (event.type) {
        case "contribution.published":
          if (existing || !document.querySelector("template[data-live-template='" + event.kind + "']")) return;
          waiting.push(event);
          updateNotice();
          break;
        case "contribution.updated":
          if (existing) {
            var body = existing.querySelector(".public-text");
            if (body) body.innerHTML = event.html;
          }
          waiting.forEach(function (w, i) { if (w.contribution_id === id) waiting[i] = event; });
          break;
        case "contribution.hidden":
          waiting = waiting.filter(function (w) { return w.contribution_id !== id; });
          updateNotice();
          if (existing) {
            (existing.closest("li") || existing).remove();
          }
          break;
      }
    };
  }
})();
