/* rnnlab-slides: a prebuilt JupyterLab 4 extension, written by hand (no build step).
 *
 * Two fixes to how jupyterlab-slideshow 0.3.4 (the live presentation mode the course
 * uses) reads a cell's {"slideshow": {"slide_type": ...}}; the notebook is not changed.
 *
 * - "-": the slideshow treats such a cell as belonging to no slide at all, so it never
 *   shows it. "-" is nbformat's value for "continue the current slide" (JupyterLab's
 *   cell inspector, nbconvert and RISE write and read it), and every lesson uses it for
 *   the code under a slide's heading. Read as no slide type, the slideshow's "continue".
 * - "notes": the slideshow gives a speaker-notes cell a slide of its own with nothing on
 *   it, so Shift+Enter (run and select the next cell) from a slide's last cell lands on
 *   a blank screen and stays there. Read as "skip": Shift+Enter passes over it to the
 *   next cell, as over skipped cells. Notes stay in the notebook, for the presenter.
 *
 *
 * And three things for the instructor, not in jupyterlab-slideshow:
 *
 * - A slider moved from the keyboard after a real click: on a slide (and in a notebook),
 *   the notebook takes the focus back after a click on a slider's handle, so the arrow keys
 *   went nowhere. After a click on a slider, the handle gets the focus again.
 * - Speaker notes marked as such in the notebook view: a cell of slide type "notes" gets
 *   the class rnnlab-notes-cell and a "Speaker notes" label (讲者备注 in a notebook whose
 *   metadata.rnnlab.lang is "zh").
 * - A presenter view: the command "Open Presenter View" (command palette; rnnlab-slides:presenter)
 *   opens a second browser window with the current slide's speaker notes, the slide's number
 *   and the next slide's heading; it follows the deck of the notebook it was opened from.
 *
 * A federated extension is a "container" with init() and get(): JupyterLab loads every
 * container first, then asks each for "./extension". The slideshow's manager is found
 * through the token its own plugin provides, so this plugin activates after it.
 */
(function () {
  "use strict";
  var NAME = "rnnlab-slides";
  var DECK = "jupyterlab-slideshow";
  var DECK_PLUGIN = DECK + ":plugin";

  function continueSlide(presenter) {
    if (typeof presenter._getSlideType !== "function" || presenter.__rnnlabSlides) {
      return;
    }
    var original = presenter._getSlideType;
    presenter._getSlideType = function (cell) {
      var slideType = original.call(this, cell);
      if (slideType === "-") {
        return null;
      }
      return slideType === "notes" ? "skip" : slideType;
    };
    presenter.__rnnlabSlides = true;
    if (presenter._extents && typeof presenter._extents.clear === "function") {
      presenter._extents.clear(); // computed before the patch: compute again
    }
  }

  var shareScope = null;

  function slideType(cell) {
    var model = cell && cell.model;
    if (!model) {
      return null;
    }
    var meta = typeof model.getMetadata === "function" ? model.getMetadata("slideshow")
      : (model.metadata && model.metadata.get ? model.metadata.get("slideshow") : null);
    return (meta && meta.slide_type) || null;
  }

  function cellText(cell) {
    return cell.model.sharedModel ? cell.model.sharedModel.getSource() : cell.model.value.text;
  }

  function notebookLang(panel) {
    var model = panel.content && panel.content.model;
    var meta = model && (typeof model.getMetadata === "function" ? model.getMetadata("rnnlab") : null);
    return meta && meta.lang === "zh" ? "zh" : "en";
  }

  var WORDS = {
    en: {notes: "Speaker notes", title: "Presenter view", slide: "Slide", none: "(no speaker notes on this slide)",
         next: "Next", end: "(the last slide)", deckOff: "The slideshow is off: the notes of the selected cell's slide."},
    zh: {notes: "讲者备注", title: "演讲者视图", slide: "幻灯片", none: "（本页没有讲者备注）",
         next: "下一页", end: "（最后一页）", deckOff: "幻灯片未放映：显示所选单元格所在页的备注。"}
  };

  function notebookPanels(app) {
    var found = [];
    var widgets = app.shell.widgets ? app.shell.widgets("main") : [];
    for (var w of widgets) {
      if (w && w.content && Array.isArray(w.content.widgets)) {
        found.push(w);
      }
    }
    return found;
  }

  // ---- speaker notes, marked in the notebook view
  function markNotes(app) {
    notebookPanels(app).forEach(function (panel) {
      var label = WORDS[notebookLang(panel)].notes;
      panel.content.widgets.forEach(function (cell) {
        var notes = slideType(cell) === "notes";
        cell.node.classList.toggle("rnnlab-notes-cell", notes);
        if (notes) {
          cell.node.setAttribute("data-rnnlab-notes", label);
        }
      });
    });
  }

  function addStyle() {
    var style = document.createElement("style");
    style.id = "rnnlab-slides-style";
    style.textContent = [
      ".jp-Notebook .jp-Cell.rnnlab-notes-cell {",
      "  border-left: 4px solid #bf8700; background: rgba(255, 214, 0, 0.10); }",
      ".jp-Notebook .jp-Cell.rnnlab-notes-cell::before {",
      "  content: attr(data-rnnlab-notes); display: block; padding: 2px 0 0 12px;",
      "  font: 600 11px var(--jp-ui-font-family, sans-serif); letter-spacing: 0.05em;",
      "  text-transform: uppercase; color: #9a6700; }"
    ].join("\n");
    document.head.appendChild(style);
  }

  // ---- a slider keeps the keyboard after a click
  function keepSliderFocus() {
    var pressed = null;
    window.addEventListener("pointerdown", function (event) {
      pressed = event.target && event.target.closest ? event.target.closest(".widget-slider .noUi-target") : null;
    }, true);
    window.addEventListener("pointerup", function (event) {
      var slider = pressed;
      pressed = null;
      if (!slider || !slider.contains(event.target)) {
        return;
      }
      var handle = event.target.closest(".noUi-handle") || slider.querySelector(".noUi-handle");
      if (!handle) {
        return;
      }
      var give = function () {
        if (document.activeElement !== handle) {
          handle.focus({preventScroll: true});
        }
      };
      setTimeout(give, 0);
      setTimeout(give, 100); // after the notebook's own reaction to the click
    }, true);
  }

  // ---- the presenter view
  function slideOf(panel) {
    var cells = panel.content.widgets;
    var deckOn = panel.node.classList.contains("jp-Deck");
    var at = panel.content.activeCellIndex || 0;
    if (deckOn) {
      var shown = cells.findIndex(function (c) { return c.node.classList.contains("jp-deck-mod-onscreen"); });
      if (shown >= 0) {
        at = shown;
      }
    }
    var starts = function (i) {
      var t = slideType(cells[i]);
      return i === 0 || t === "slide" || t === "subslide";
    };
    var start = at;
    while (start > 0 && !starts(start)) {
      start -= 1;
    }
    var end = at + 1;
    while (end < cells.length && !starts(end)) {
      end += 1;
    }
    var notes = [];
    for (var i = start; i < end; i++) {
      if (slideType(cells[i]) === "notes") {
        notes.push(cellText(cells[i]));
      }
    }
    var number = 0;
    for (var j = 0; j <= start; j++) {
      if (starts(j)) {
        number += 1;
      }
    }
    var next = null;
    for (var k = end; k < cells.length && next === null; k++) {
      if (cells[k].model.type === "markdown" && slideType(cells[k]) !== "notes" && slideType(cells[k]) !== "skip") {
        next = (cellText(cells[k]).split("\n").find(function (line) { return line.trim(); }) || "").replace(/^#+\s*/, "");
      }
    }
    return {start: start, number: number, notes: notes, next: next, deckOn: deckOn};
  }

  function openPresenter(app) {
    var panel = app.shell.currentWidget;
    if (!panel || !panel.content || !Array.isArray(panel.content.widgets)) {
      window.alert("Open a lesson first: the presenter view follows the notebook in front.");
      return;
    }
    var words = WORDS[notebookLang(panel)];
    var popup = window.open("", "rnnlab-presenter", "popup,width=720,height=760");
    if (!popup) {
      window.alert("The browser blocked the presenter window: allow pop-ups for this page.");
      return;
    }
    var doc = popup.document;
    doc.open();
    doc.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + words.title + "</title><style>" +
      "body{font:20px/1.5 system-ui,'Noto Sans CJK SC',sans-serif;margin:1.5rem;background:#111;color:#eee}" +
      "h1{font-size:1rem;color:#aaa;font-weight:600;margin:0 0 1rem}" +
      ".note{white-space:pre-wrap;border-left:4px solid #bf8700;padding:0.2rem 0 0.2rem 1rem;margin:0 0 1rem}" +
      ".none{color:#888}.next{color:#aaa;font-size:0.9rem;margin-top:2rem}.off{color:#d29922;font-size:0.8rem}" +
      "</style></head><body><h1 id='slide'></h1><p id='off' class='off'></p><div id='notes'></div>" +
      "<p id='next' class='next'></p></body></html>");
    doc.close();
    var last = null;
    var timer = setInterval(function () {
      if (popup.closed || panel.isDisposed) {
        clearInterval(timer);
        return;
      }
      var slide = slideOf(panel);
      var key = JSON.stringify(slide);
      if (key === last) {
        return;
      }
      last = key;
      var title = (panel.title && panel.title.label) || "";
      doc.getElementById("slide").textContent = title + " · " + words.slide + " " + slide.number;
      doc.getElementById("off").textContent = slide.deckOn ? "" : words.deckOff;
      var box = doc.getElementById("notes");
      box.textContent = "";
      slide.notes.forEach(function (text) {
        var div = doc.createElement("div");
        div.className = "note";
        div.textContent = text;
        box.appendChild(div);
      });
      if (!slide.notes.length) {
        var none = doc.createElement("p");
        none.className = "none";
        none.textContent = words.none;
        box.appendChild(none);
      }
      doc.getElementById("next").textContent = words.next + ": " + (slide.next || words.end);
    }, 250);
  }

  async function paletteToken() {
    // The command palette's token, from the modules JupyterLab shares with extensions.
    var versions = shareScope && shareScope["@jupyterlab/apputils"];
    if (!versions) {
      return null;
    }
    var version = Object.keys(versions)[0];
    var factory = await versions[version].get();
    var module = factory();
    return module.ICommandPalette || null;
  }

  async function extension() {
    var deck = window._JUPYTERLAB && window._JUPYTERLAB[DECK];
    if (!deck) {
      console.warn(NAME + ": " + DECK + " is not installed; nothing to do");
      return { __esModule: true, default: [] };
    }
    var deckModule = (await deck.get("./extension"))();
    var deckPlugins = [].concat(deckModule.default || deckModule);
    var main = deckPlugins.find(function (p) { return p.id === DECK_PLUGIN; });
    if (!main || !main.provides) {
      console.warn(NAME + ": " + DECK_PLUGIN + " not found; nothing to do");
      return { __esModule: true, default: [] };
    }
    var palette = null;
    try {
      palette = await paletteToken();
    } catch (error) {
      console.warn(NAME + ": no command palette (" + error + "); the presenter view is still a command");
    }
    var presenter = {
      id: NAME + ":presenter",
      description: "Speaker notes marked in the notebook, a presenter view, sliders that keep the keyboard",
      autoStart: true,
      optional: palette ? [palette] : [],
      activate: function (app, commandPalette) {
        addStyle();
        keepSliderFocus();
        setInterval(function () { markNotes(app); }, 500);
        app.commands.addCommand(NAME + ":presenter", {
          label: "Open Presenter View (speaker notes in a second window)",
          execute: function () { openPresenter(app); }
        });
        if (commandPalette) {
          commandPalette.addItem({command: NAME + ":presenter", category: "Slideshow"});
        }
      }
    };
    var plugin = {
      id: NAME + ":continue-slide",
      description: 'jupyterlab-slideshow: a cell of slide type "-" continues the current slide',
      autoStart: true,
      requires: [main.provides],
      activate: function (app, manager) {
        (manager._presenters || []).forEach(continueSlide);
        var addPresenter = manager.addPresenter;
        manager.addPresenter = function (presenter) {
          continueSlide(presenter);
          return addPresenter.call(this, presenter);
        };
      }
    };
    return { __esModule: true, default: [plugin, presenter] };
  }

  var root = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  root[NAME] = {
    init: function (scope) { shareScope = scope; },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return extension().then(function (mod) { return function () { return mod; }; });
    }
  };
})();
