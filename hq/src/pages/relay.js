// The relay: the station's browser uploads a post's bundle from a USB stick to POST /sync
// and offers HQ's reply as a download. The bundle is sealed end to end; nothing here reads it.
document.getElementById('send').onclick = async () => {
  const f = document.getElementById('bundle').files[0];
  const out = document.getElementById('result');
  if (!f) { out.textContent = '请先选择同步包文件'; return; }
  out.textContent = '正在同步…';
  let r, blob;
  try {
    r = await fetch('/sync', { method: 'POST', body: f });
    if (!r.ok) { out.textContent = '被拒绝：' + await r.text(); return; }
    blob = await r.blob();
  } catch (e) {
    out.textContent = '无法连接县局服务或读取文件，请检查网络后重试（' + e.message + '）';
    return;
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'reply-' + f.name;
  a.click();
  out.textContent = '完成：已下载回复包 ' + a.download;
};
