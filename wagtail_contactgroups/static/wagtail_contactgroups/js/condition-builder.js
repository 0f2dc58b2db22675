/* Condition builder helpers: the live match count and the parameters that
   apply to the chosen operator of a contact field condition. */
(function () {
  'use strict';

  var VALUE_FREE = ['empty', 'not_empty', 'true', 'false', 'today', 'in_last_days', 'more_than_days_ago'];
  var DAYS = ['in_last_days', 'more_than_days_ago'];
  var DEBOUNCE_MS = 800;

  function fieldWrapper(input) {
    return input && (input.closest('[data-contentpath]') || input.closest('.w-field__wrapper'));
  }

  function setShown(input, shown) {
    var wrapper = fieldWrapper(input);
    if (wrapper) {
      wrapper.hidden = !shown;
    }
  }

  function updateParameters(select) {
    var prefix = select.name.slice(0, -'-operator'.length);
    var days = document.getElementById(prefix + '-days');
    if (!days) {
      return;
    }
    var operator = select.value;
    setShown(document.getElementById(prefix + '-value'), VALUE_FREE.indexOf(operator) === -1);
    setShown(document.getElementById(prefix + '-value_to'), operator === 'between');
    setShown(days, DAYS.indexOf(operator) !== -1);
  }

  function updateAllParameters(root) {
    root.querySelectorAll('select[name$="-operator"]').forEach(updateParameters);
  }

  function showErrors(list, errors) {
    list.innerHTML = '';
    errors.forEach(function (error) {
      var item = document.createElement('li');
      item.textContent = error.field ? error.field + ': ' + error.message : error.message;
      list.appendChild(item);
    });
    list.hidden = errors.length === 0;
  }

  function setUpLiveCount(box) {
    var form = box.closest('form');
    var result = box.querySelector('[data-contactgroups-live-count-result]');
    var errors = box.querySelector('[data-contactgroups-live-count-errors]');
    var button = box.querySelector('[data-contactgroups-live-count-button]');
    var timer = null;
    var latest = 0;

    function count() {
      var request = ++latest;
      var data = new FormData(form);
      if (box.dataset.groupId) {
        data.append('contactgroups_group_id', box.dataset.groupId);
      }
      box.setAttribute('aria-busy', 'true');
      fetch(box.dataset.url, {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': data.get('csrfmiddlewaretoken') || '' },
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (request !== latest) {
            return;
          }
          result.textContent = answer.message;
          showErrors(errors, answer.errors || []);
        })
        .catch(function () {
          result.textContent = box.dataset.failedMessage;
        })
        .finally(function () { box.removeAttribute('aria-busy'); });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(count, DEBOUNCE_MS);
    }

    button.addEventListener('click', count);
    form.addEventListener('change', function (event) {
      if (event.target.name && event.target.name.indexOf('conditions') === 0) {
        later();
      }
    });
  }

  function init() {
    document.querySelectorAll('[data-contactgroups-live-count]').forEach(setUpLiveCount);
    updateAllParameters(document);
    document.addEventListener('change', function (event) {
      var target = event.target;
      if (target.matches && target.matches('select[name$="-operator"]')) {
        updateParameters(target);
      }
    });
    // New condition blocks arrive after page load; set up their parameters too.
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node.querySelectorAll) {
            updateAllParameters(node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
