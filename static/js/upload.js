// Progress for large uploads. Forms marked data-upload work without this script (a plain
// multipart POST); with it, the files' sizes are checked before sending and the upload
// shows a progress bar. The server answers a scripted upload with 200 and X-Redirect.
(function () {
  'use strict';
  if (!window.XMLHttpRequest || !window.FormData) {
    return;
  }
  function mb(n) {
    return (n / 1048576).toFixed(1) + ' MB';
  }
  function say(el, text, error) {
    if (el) {
      el.textContent = text;
      el.className = error ? 'upload-status field-error' : 'upload-status muted';
    }
  }
  var forms = document.querySelectorAll('form[data-upload]');
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('submit', function (ev) {
      var status = form.querySelector('[data-upload-status]');
      var bar = form.querySelector('progress');
      var max = Number(form.getAttribute('data-max-bytes') || 0);
      var chosen = [];
      Array.prototype.forEach.call(form.querySelectorAll('input[type=file]'), function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { chosen.push(f); });
      });
      if (chosen.length === 0) {
        return; // nothing to stream: an ordinary submission
      }
      ev.preventDefault();
      for (var i = 0; i < chosen.length; i++) {
        if (max && chosen[i].size > max) {
          say(status, '文件「' + chosen[i].name + '」大小为 ' + mb(chosen[i].size) + '，超过单个文件 ' + mb(max) + ' 的上限，未上传。请压缩或拆分后重新选择。', true);
          return;
        }
      }
      var buttons = form.querySelectorAll('button[type=submit]');
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      if (bar) {
        bar.hidden = false;
        bar.value = 0;
      }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('X-Upload-Progress', '1');
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) {
          return;
        }
        if (bar) {
          bar.max = e.total;
          bar.value = e.loaded;
        }
        say(status, '正在上传 ' + Math.floor(e.loaded * 100 / e.total) + '%（' + mb(e.loaded) + ' / ' + mb(e.total) + '），请勿关闭页面');
      });
      xhr.addEventListener('load', function () {
        var to = xhr.getResponseHeader('X-Redirect');
        if (xhr.status === 200 && to) {
          say(status, '上传完成，正在校验并保存……');
          window.location.assign(to);
          return;
        }
        // A refusal is a whole page with the error beside the field: show it.
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener('error', function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        if (bar) {
          bar.hidden = true;
        }
        say(status, '上传中断，文件未保存。请检查网络后重新上传。', true);
      });
      say(status, '正在上传……');
      xhr.send(new FormData(form));
    });
  });
})();
