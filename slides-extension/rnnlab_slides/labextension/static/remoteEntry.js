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
    return { __esModule: true, default: [plugin] };
  }

  var root = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  root[NAME] = {
    init: function () {},
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return extension().then(function (mod) { return function () { return mod; }; });
    }
  };
})();
