/// The explorer's script (`explorer.js`): the overview, the view of every cell's computation,
/// deep links, the keyboard, and the self-check (`index.html?selfcheck`). Plain JavaScript in a
/// Swift string, so the binary carries it and the page needs no network.
enum ExplorerScript {
    static let text = #"""
// The explorer: every number the network computed on one image, and how each was made.
// Plain JavaScript, no framework, no network: the numbers come from explorer-data.js.
"use strict";
(function () {
  const D = window.CNNVIZ_DATA;
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  };
  const fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
  // The page's language is its <html lang> (ExplorerPage writes it): every sentence below is
  // written in both languages at the place it is used, as the tutorials' pick(english, spanish).
  const es = document.documentElement.lang === "es";
  const tr = (english, spanish) => (es ? spanish : english);
  // A class name inside a sentence: as it is in English, a «label» in Spanish (the folders'
  // names are often English: "casi todos los dogs" reads wrong, "casi todos los «dogs»" does not).
  const label = (name) => (es ? `«${name}»` : name);
  const colours = tr(["red", "green", "blue"], ["rojo", "verde", "azul"]);
  const channelName = (c, C) => (C === 3 ? colours[c] : tr(`channel ${c}`, `canal ${c}`));
  const className = (k) => D.meta.classes[k] || tr(`class ${k}`, `clase ${k}`);

  // ---- Tensors: base64 of little-endian float32 -------------------------------------------
  function decode(t) {
    if (!t) return null;
    const bin = atob(t.data), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return { shape: t.shape, data: new Float32Array(bytes.buffer) };
  }
  const activate = {
    linear: (z) => z, relu: (z) => (z < 0 ? 0 : z),
    sigmoid: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))), tanh: Math.tanh,
  };
  function applyActivation(name, pre) {
    const out = new Float32Array(pre.data.length);
    if (name === "softmax") {
      const w = pre.shape[pre.shape.length - 1];
      for (let s = 0; s < out.length; s += w) {
        let top = -Infinity, sum = 0;
        for (let i = s; i < s + w; i++) top = Math.max(top, pre.data[i]);
        for (let i = s; i < s + w; i++) { out[i] = Math.exp(pre.data[i] - top); sum += out[i]; }
        for (let i = s; i < s + w; i++) out[i] /= sum;
      }
    } else {
      const f = activate[name] || activate.linear;
      for (let i = 0; i < out.length; i++) out[i] = f(pre.data[i]);
    }
    return { shape: pre.shape, data: out };
  }

  // Every layer with its input and output as full tensors (batch axis dropped).
  const input = decode(D.input);
  const model = { input: { shape: input.shape.slice(1), data: input.data }, layers: [] };
  // dLoss/dx, (H, W, C) like model.input; null in pages written before inspect recorded it.
  const gradientOfInput = D.inputGradient ? decode(D.inputGradient) : null;
  const inputGradient = gradientOfInput ? { shape: gradientOfInput.shape.slice(1), data: gradientOfInput.data } : null;
  let previous = model.input;
  for (const L of D.layers) {
    const layer = Object.assign({}, L);
    layer.in = previous;
    layer.pre = L.pre ? withoutBatch(decode(L.pre)) : null;
    if (L.output) layer.out = withoutBatch(decode(L.output));
    else if (layer.pre) layer.out = applyActivation(L.activation, layer.pre);
    else layer.out = { shape: L.outputShape, data: previous.data };  // Flatten, Dropout at inference
    for (const k of ["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "columns"]) layer[k] = decode(L[k]);
    model.layers.push(layer);
    previous = layer.out;
  }
  function withoutBatch(t) { return { shape: t.shape.slice(1), data: t.data }; }
  const byName = Object.fromEntries(model.layers.map((l) => [l.name, l]));

  // ---- Colour ------------------------------------------------------------------------------
  const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  function viridis(t) {
    t = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f));
  }
  function diverging(t) {  // t in [-1, 1]: blue, white, red
    t = Math.min(1, Math.max(-1, t));
    return t < 0 ? [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255] : [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))];
  }
  function channelRange(t, c) {
    const C = t.shape[t.shape.length - 1];
    let lo = Infinity, hi = -Infinity;
    for (let i = c; i < t.data.length; i += C) { const v = t.data[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  }
  function tensorRange(t) {
    let lo = Infinity, hi = -Infinity;
    for (const v of t.data) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  }
  // One channel of an (H, W, C) tensor as a canvas, one pixel per value, scaled by CSS.
  // `tint` (0, 1, 2) draws a colour channel of the photo in its own colour, black to full.
  function mapCanvas(t, c, range, cls, tint) {
    const [H, W, C] = t.shape, cv = el("canvas", { width: W, height: H, class: cls || "map" });
    const ctx = cv.getContext("2d"), img = ctx.createImageData(W, H);
    const [lo, hi] = range, signed = lo < 0;
    const scale = signed ? Math.max(Math.abs(lo), Math.abs(hi)) || 1 : (hi - lo) || 1;
    for (let p = 0; p < H * W; p++) {
      const v = t.data[p * C + c];
      const level = Math.round(255 * Math.min(1, Math.max(0, (v - lo) / scale)));
      const rgb = tint !== undefined ? [0, 1, 2].map((k) => (k === tint ? level : 0))
        : signed ? diverging(v / scale) : viridis((v - lo) / scale);
      img.data.set([rgb[0], rgb[1], rgb[2], 255], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    return cv;
  }
  function photoCanvas(cls) {
    const [H, W] = model.input.shape, cv = el("canvas", { width: W, height: H, class: cls || "map" });
    const ctx = cv.getContext("2d"), img = ctx.createImageData(W, H), r = D.meta.rescale || 1;
    for (let p = 0; p < H * W; p++) {
      const px = [0, 1, 2].map((c) => Math.round(Math.min(255, Math.max(0, model.input.data[p * 3 + c] / r))));
      img.data.set([px[0], px[1], px[2], 255], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    return cv;
  }

  // ---- Overview ----------------------------------------------------------------------------
  let sharedScale = false;
  function overview() {
    const root = el("div", { class: "overview" });
    const inputCol = el("section", { class: "column", id: "input" }, el("h2", {}, tr("Input", "Entrada")),
      el("div", { class: "photo-frame" }, el("a", { href: "#input/0/0/0", class: "photo-link" }, photoCanvas("photo")), camOverlay()),
      camToggle(),
      el("div", { class: "maps" }, colours.map((name, c) =>
        el("a", { href: `#input/${c}/0/0`, class: "tile", title: tr(`${name} channel`, `canal ${name}`) },
          mapCanvas(model.input, c, [0, 255 * (D.meta.rescale || 1)], "map", c), el("span", {}, name)))),
      el("p", { class: "note" }, tr(`${model.input.shape.join("×")} numbers`, `${model.input.shape.join("×")} números`)));
    root.append(inputCol);
    for (const layer of model.layers) root.append(layerColumn(layer));
    root.append(outputColumn());
    return root;
  }
  // Grad-CAM of the answer (from explain/), laid over the photo on demand: where the last
  // Conv2D layer's maps point for the class the model picked.
  const cam = D.explain && D.explain.gradcam ? decode(D.explain.gradcam) : null;
  let showCam = new URLSearchParams(location.search).has("cam");  // index.html?cam starts with it on
  function camOverlay() {
    if (!cam || !showCam) return null;
    const [H, W] = cam.shape, cv = el("canvas", { width: W, height: H, class: "cam" });
    const ctx = cv.getContext("2d"), img = ctx.createImageData(W, H), [, hi] = tensorRange(cam);
    for (let p = 0; p < H * W; p++) {
      const t = hi > 0 ? cam.data[p] / hi : 0, rgb = viridis(t);
      img.data.set([rgb[0], rgb[1], rgb[2], Math.round(200 * t)], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    return cv;
  }
  function camToggle() {
    const box = el("input", { type: "checkbox", id: "show-cam" });
    box.checked = showCam;
    box.addEventListener("change", () => { showCam = box.checked; render(); });
    const more = D.explain && D.explain.page ? el("a", { href: D.explain.page }, tr("why this answer? →", "¿por qué esta respuesta? →"))
      : el("span", {}, tr("more: ", "más: "), el("code", {}, "cnnviz explain"), tr(" (or inspect --explain)", " (o inspect --explain)"));
    return el("p", { class: "note" }, cam ? el("label", {}, box, tr(" where it looked (Grad-CAM)", " dónde miró (Grad-CAM)")) : null, cam ? el("br") : null, more);
  }

  function layerColumn(layer) {
    const col = el("section", { class: "column", id: "col-" + layer.name },
      el("h2", {}, el("a", { href: "#" + layer.name }, layer.name), el("small", {}, ` ${layer.kind}`)),
      el("p", { class: "note" }, `→ ${layer.out.shape.join("×")}`));
    const t = layer.out;
    if (t.shape.length === 3) {
      const C = t.shape[2], maps = el("div", { class: "maps" });
      const shared = tensorRange(t);
      for (let c = 0; c < C; c++) {
        const range = sharedScale ? shared : channelRange(t, c);
        const dead = range[0] === 0 && range[1] === 0;
        maps.append(el("a", { href: `#${layer.name}/${c}/0/0`, class: "tile" + (dead ? " dead" : ""), title: dead ? tr(`map ${c}: dead (all zero)`, `mapa ${c}: muerto (todo ceros)`) : tr(`map ${c}: `, `mapa ${c}: `) + `${fmt(range[0])} … ${fmt(range[1])}` },
          mapCanvas(t, c, range), el("span", {}, dead ? `${c} ✕` : `${c}`)));
      }
      col.append(maps);
    } else if (t.shape.length === 1 && layer.kind === "Flatten") {
      const n = t.shape[0], wide = Math.min(180, n), cv = el("canvas", { width: wide, height: Math.ceil(n / wide), class: "strip" });
      const ctx = cv.getContext("2d"), img = ctx.createImageData(cv.width, cv.height), [lo, hi] = tensorRange(t);
      for (let i = 0; i < n; i++) { const rgb = viridis((t.data[i] - lo) / ((hi - lo) || 1)); img.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4); }
      ctx.putImageData(img, 0, 0);
      col.append(el("a", { href: `#${layer.name}/0` }, cv), el("p", { class: "note" }, tr(`${n} values in Keras' order: row, then column, then channel`, `${n} valores en el orden de Keras: fila, después columna, después canal`)));
    } else if (t.shape.length === 1) {
      const bars = el("div", { class: "bars" + (t.shape[0] <= 16 ? " few" : "") }), [lo, hi] = tensorRange(t), top = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
      for (let j = 0; j < t.shape[0]; j++) {
        const v = t.data[j], h = Math.round(56 * Math.abs(v) / top);
        bars.append(el("a", { href: `#${layer.name}/${j}`, class: "bar" + (v < 0 ? " neg" : v === 0 ? " zero" : ""), title: tr(`unit ${j}: `, `unidad ${j}: `) + fmt(v), style: `height:${Math.max(h, 1)}px` }));
      }
      col.append(bars);
    } else {
      col.append(el("p", { class: "note" }, tr("a tensor of shape ", "un tensor de forma ") + t.shape.join("×")));
    }
    return col;
  }
  function outputColumn() {
    const last = model.layers[model.layers.length - 1];
    const col = el("section", { class: "column output", id: "col-output" }, el("h2", {}, el("a", { href: "#output" }, tr("Output", "Salida"))));
    if (last.out.data.length === 1) {
      const z = last.pre ? last.pre.data[0] : null, p = last.out.data[0];
      col.append(el("p", {}, z !== null ? `logit z = ${fmt(z)}` : ""), sigmoidPlot(z, p),
        el("p", {}, `p(${className(1)}) = ${fmt(p)}`),
        el("p", { class: "answer" }, className(p > 0.5 ? 1 : 0)));
    } else {
      const rows = Array.from(last.out.data).map((p, k) => el("li", {}, `${className(k)}: ${fmt(p)}`));
      col.append(el("ol", { start: 0 }, rows), el("p", { class: "answer" }, D.meta.predicted));
    }
    return col;
  }
  function sigmoidPlot(z, p) {
    const cv = el("canvas", { width: 160, height: 90, class: "plot" }), ctx = cv.getContext("2d");
    ctx.strokeStyle = "#999"; ctx.beginPath(); ctx.moveTo(0, 45); ctx.lineTo(160, 45); ctx.moveTo(80, 0); ctx.lineTo(80, 90); ctx.stroke();
    ctx.strokeStyle = "#36c"; ctx.lineWidth = 2; ctx.beginPath();
    for (let x = 0; x <= 160; x++) { const y = 85 - 80 * activate.sigmoid((x - 80) / 10); x ? ctx.lineTo(x, y) : ctx.moveTo(x, y); }
    ctx.stroke();
    if (z !== null) { const x = Math.max(2, Math.min(158, 80 + 10 * z)); ctx.fillStyle = "#d33"; ctx.beginPath(); ctx.arc(x, 85 - 80 * p, 4, 0, 7); ctx.fill(); }
    return cv;
  }

  // ---- Detail views ------------------------------------------------------------------------
  let selection = null;  // {layer, c, r, col} or {layer, j}
  let playing = null;
  function stop() { if (playing) { clearInterval(playing); playing = null; } }

  function detail(hash) {
    const parts = hash.split("/").map(decodeURIComponent);
    const name = parts[0];
    if (name === "output") return outputDetail();
    if (name === "input") return mapDetail({ name: "input", kind: "Input", out: model.input }, parts);
    const layer = byName[name];
    if (!layer) return el("p", { class: "error" }, tr(`No layer named ${name}.`, `No hay ninguna capa llamada ${name}.`));
    if (layer.out.shape.length === 3) return mapDetail(layer, parts);
    if (layer.kind === "Flatten") return flattenDetail(layer, +parts[1] || 0);
    if (layer.kind === "Dense") return denseDetail(layer, +parts[1] || 0);
    return vectorDetail(layer, +parts[1] || 0);
  }
  function clamp(v, n) { return Math.max(0, Math.min(n - 1, v | 0)); }

  function mapDetail(layer, parts) {
    const t = layer.out, [H, W, C] = t.shape;
    const c = clamp(+parts[1] || 0, C), r = clamp(+parts[2] || 0, H), col = clamp(+parts[3] || 0, W);
    selection = { layer: layer.name, c, r, col, H, W, C };
    const value = t.data[(r * W + col) * C + c];
    const big = layer.kind === "Input" ? mapCanvas(t, c, [0, 255 * (D.meta.rescale || 1)], "big", c)
      : mapCanvas(t, c, sharedScale ? tensorRange(t) : channelRange(t, c), "big");
    const frame = el("div", { class: "bigframe" }, big, el("div", { class: "cursor", style: `left:${100 * col / W}%;top:${100 * r / H}%;width:${100 / W}%;height:${100 / H}%` }));
    big.addEventListener("click", (e) => {
      const box = big.getBoundingClientRect();
      go(`${layer.name}/${c}/${Math.floor(H * (e.clientY - box.top) / box.height)}/${Math.floor(W * (e.clientX - box.left) / box.width)}`);
    });
    big.addEventListener("mousemove", (e) => {
      const box = big.getBoundingClientRect(), rr = clamp(H * (e.clientY - box.top) / box.height, H), cc = clamp(W * (e.clientX - box.left) / box.width, W);
      big.title = tr(`row ${rr}, column ${cc}: `, `fila ${rr}, columna ${cc}: `) + fmt(t.data[(rr * W + cc) * C + c]);
    });
    const head = el("div", { class: "cellhead" },
      backLink(), el("h2", {}, `${layer.name} `, el("small", {}, layer.kind)),
      el("p", { class: "value", id: "cell-value" }, tr(`map ${c}, row ${r}, column ${col}: `, `mapa ${c}, fila ${r}, columna ${col}: `), el("b", {}, fmt(value))),
      el("p", { class: "controls" },
        el("button", { onclick: () => go(`${layer.name}/${c - 1 < 0 ? C - 1 : c - 1}/${r}/${col}`) }, tr("◀ map", "◀ mapa")),
        el("button", { onclick: () => go(`${layer.name}/${(c + 1) % C}/${r}/${col}`) }, tr("map ▶", "mapa ▶")),
        layer.kind === "Conv2D" || layer.kind.endsWith("Pooling2D") ? playControls(layer, c) : null));
    return el("div", { class: "detail" }, head, el("div", { class: "split" }, frame, explainCell(layer, c, r, col)));
  }
  function backLink() { return el("p", { class: "back" }, el("a", { href: "#" }, tr("← all layers (Escape)", "← todas las capas (Escape)"))); }
  function playControls(layer, c) {
    return [
      el("button", { onclick: () => { if (playing) stop(); else playing = setInterval(() => step(layer, c), 350); } }, tr("▶ play / ❚❚ pause", "▶ reproducir / ❚❚ pausa")),
      el("button", { onclick: () => { stop(); step(layer, c); } }, tr("step", "un paso")),
    ];
  }
  function step(layer, c) {
    const s = selection, next = s.col + 1 < s.W ? [s.r, s.col + 1] : [(s.r + 1) % s.H, 0];
    history.replaceState(null, "", `#${layer.name}/${c}/${next[0]}/${next[1]}`);
    render(false);
  }

  // The computation behind one cell of a 3-D map.
  function explainCell(layer, c, r, col) {
    const box = el("div", { class: "explain" });
    if (layer.kind === "Conv2D") box.append(convCell(layer, c, r, col));
    else if (layer.kind === "MaxPooling2D" || layer.kind === "AveragePooling2D") box.append(poolCell(layer, c, r, col));
    else if (layer.kind === "BatchNormalization") box.append(normCell(layer, c, r, col));
    else if (layer.kind === "Activation") box.append(el("p", {}, `${layer.activation}(${fmt(at(layer.in, r, col, c))}) = ${fmt(at(layer.out, r, col, c))}`));
    else if (layer.kind === "Input") {
      const rescale = D.meta.rescale || 1, inverse = Math.round(1 / rescale);
      const shown = Math.abs(1 / rescale - inverse) < 1e-3 ? `1/${inverse}` : String(rescale);
      const pixel = Math.round(at(model.input, r, col, c) / rescale);
      box.append(el("p", {}, tr(`${channelName(c, 3) || "channel " + c} value of the resized photo ${pixel} × rescale ${shown} = `,
                               `valor ${pixel} del canal ${channelName(c, 3) || c} en la foto redimensionada × rescale ${shown} = `),
        el("b", {}, fmt(at(model.input, r, col, c)))));
      if (inputGradient) {
        const g = at(inputGradient, r, col, c), sign = (v) => (v >= 0 ? "+" : "−") + Math.abs(v).toPrecision(2);
        box.append(el("p", {}, tr("∂loss/∂x here = ", "∂pérdida/∂x aquí = "), el("b", {}, g.toPrecision(3)),
          tr(`: raising this value by 0.01 would change the loss by about ${sign(g * 0.01)}, and lowering it by ${sign(-g * 0.01)}. `,
             `: subir este valor 0.01 cambiaría la pérdida en ${sign(g * 0.01)} más o menos, y bajarlo, en ${sign(-g * 0.01)}. `),
          el("span", { class: "note" }, tr(`(The gradient of ${D.meta.gradientTarget}.)`, `(El gradiente de ${D.meta.gradientTarget}.)`))));
      }
    }
    else box.append(el("p", {}, tr("value ", "valor ") + fmt(at(layer.out, r, col, c))));
    return box;
  }
  function at(t, r, col, c) { const [, W, C] = t.shape; return t.data[(r * W + col) * C + c]; }
  function inside(t, r, col) { return r >= 0 && col >= 0 && r < t.shape[0] && col < t.shape[1]; }

  function convCell(layer, f, r, col) {
    const [KH, KW] = layer.window, [SH, SW] = layer.strides, [PT, PL] = layer.pad, x = layer.in, Cin = x.shape[2];
    const F = layer.out.shape[2], k = layer.kernel.data;
    const frag = document.createDocumentFragment(), products = [];
    let sum = 0;
    const tables = el("div", { class: "channels" });
    for (let ch = 0; ch < Cin; ch++) {
      const win = [], ker = [], prod = [];
      for (let i = 0; i < KH; i++) {
        const wr = [], kr = [], pr = [];
        for (let j = 0; j < KW; j++) {
          const rr = r * SH - PT + i, cc = col * SW - PL + j;
          const xv = inside(x, rr, cc) ? at(x, rr, cc, ch) : 0, kv = k[((i * KW + j) * Cin + ch) * F + f];
          wr.push(xv); kr.push(kv); pr.push(xv * kv); sum += xv * kv; products.push(xv * kv);
        }
        win.push(wr); ker.push(kr); prod.push(pr);
      }
      tables.append(el("div", { class: "channel" }, el("h4", {}, channelName(ch, Cin)),
        numberTable(tr("window", "ventana"), win), numberTable("kernel", ker), numberTable(tr("products", "productos"), prod)));
    }
    const b = layer.bias ? layer.bias.data[f] : 0, z = sum + b, y = (activate[layer.activation] || activate.linear)(z);
    frag.append(el("p", {}, tr(`Filter ${f} over the ${KH}×${KW}×${Cin} window at row ${r * SH - PT}, column ${col * SW - PL} of the input:`,
                              `Filtro ${f} sobre la ventana ${KH}×${KW}×${Cin} en la fila ${r * SH - PT}, columna ${col * SW - PL} de la entrada:`)), tables,
      el("p", { class: "sum" }, tr(`sum of the ${products.length} products = `, `suma de los ${products.length} productos = `) + fmt(sum), el("br"),
        tr(`+ bias ${fmt(b)} = z = `, `+ sesgo ${fmt(b)} = z = `) + fmt(z), el("br"),
        `${layer.activation}(z) = `, el("b", {}, fmt(y))),
      el("p", { class: "note" }, layer.activation === "relu" ? tr("ReLU keeps a positive z and turns a negative one into 0.", "ReLU conserva una z positiva y convierte una negativa en 0.") : ""));
    return frag;
  }
  function numberTable(title, rows) {
    return el("table", { class: "nums" }, el("caption", {}, title), rows.map((row) => el("tr", {}, row.map((v) => el("td", { class: v < 0 ? "neg" : "" }, v.toFixed(3))))));
  }
  function poolCell(layer, ch, r, col) {
    const [KH, KW] = layer.window, [SH, SW] = layer.strides, [PT, PL] = layer.pad, x = layer.in;
    const rows = [];
    let best = -Infinity, where = null, sum = 0, count = 0;
    for (let i = 0; i < KH; i++) {
      const row = [];
      for (let j = 0; j < KW; j++) {
        const rr = r * SH - PT + i, cc = col * SW - PL + j;
        if (!inside(x, rr, cc)) { row.push(null); continue; }
        const v = at(x, rr, cc, ch);
        row.push({ v, rr, cc });
        sum += v; count++;
        if (v > best || where === null) { best = v; where = [rr, cc]; }
      }
      rows.push(row);
    }
    const max = layer.kind === "MaxPooling2D";
    const table = el("table", { class: "nums" }, el("caption", {}, tr(`the ${KH}×${KW} window`, `la ventana ${KH}×${KW}`)), rows.map((row) => el("tr", {}, row.map((cell) =>
      cell === null ? el("td", { class: "pad" }, "–") : el("td", { class: max && cell.rr === where[0] && cell.cc === where[1] ? "kept" : "" }, cell.v.toFixed(3))))));
    return el("div", {}, table, max
      ? el("p", {}, tr(`The largest value, `, `Se conserva el valor más grande, `), el("b", {}, fmt(best)),
        tr(`, is kept. It came from row ${where[0]}, column ${where[1]} of `, `. Viene de la fila ${where[0]}, columna ${where[1]} de `),
        el("a", { href: `#${prevName(layer)}/${ch}/${where[0]}/${where[1]}` }, prevName(layer)), tr(` (the first one, on a tie).`, ` (el primero, si hay empate).`))
      : el("p", {}, tr(`The mean of the ${count} values: `, `La media de los ${count} valores: `) + `${fmt(sum)} / ${count} = `, el("b", {}, fmt(sum / count))));
  }
  function prevName(layer) { const i = model.layers.findIndex((l) => l.name === layer.name); return i > 0 ? model.layers[i - 1].name : "input"; }
  function normCell(layer, c, r, col) {
    const x = at(layer.in, r, col, c), mm = layer.moving_mean.data[c], mv = layer.moving_variance.data[c];
    const g = layer.gamma ? layer.gamma.data[c] : 1, b = layer.beta ? layer.beta.data[c] : 0, eps = layer.epsilon || 1e-3;
    const xhat = (x - mm) / Math.sqrt(mv + eps);
    return el("p", {}, tr(`x̂ = (x − moving mean) / √(moving variance + ε) = `, `x̂ = (x − media móvil) / √(varianza móvil + ε) = `)
      + `(${fmt(x)} − ${fmt(mm)}) / √(${fmt(mv)} + ${eps}) = ${fmt(xhat)}`, el("br"),
      `y = γ·x̂ + β = ${fmt(g)} × ${fmt(xhat)} + ${fmt(b)} = `, el("b", {}, fmt(g * xhat + b)));
  }

  function flattenDetail(layer, i) {
    const n = layer.out.shape[0], src = layer.in.shape;
    i = clamp(i, n);
    selection = { layer: layer.name, j: i, n };
    const head = el("h2", {}, `${layer.name} `, el("small", {}, "Flatten"));
    if (src.length !== 3) return el("div", { class: "detail" }, head, el("p", {}, tr(`value ${i}: `, `valor ${i}: `) + fmt(layer.out.data[i])));
    const [, W, C] = src, ch = i % C, col = Math.floor(i / C) % W, r = Math.floor(i / (C * W));
    return el("div", { class: "detail" }, backLink(), head,
      el("p", { class: "value", id: "cell-value" }, tr(`value ${i}: `, `valor ${i}: `), el("b", {}, fmt(layer.out.data[i]))),
      el("p", {}, tr(`Keras flattens row by row, then column by column, then channel by channel: index ${i} = (${r} × ${W} + ${col}) × ${C} + ${ch}, so it is row ${r}, column ${col}, channel ${ch} of `,
                    `Keras aplana fila a fila, después columna a columna, después canal a canal: índice ${i} = (${r} × ${W} + ${col}) × ${C} + ${ch}, así que es la fila ${r}, columna ${col}, canal ${ch} de `),
        el("a", { href: `#${prevName(layer)}/${ch}/${r}/${col}` }, prevName(layer)), "."));
  }

  function denseDetail(layer, j) {
    const units = layer.out.shape[0];
    j = clamp(j, units);
    selection = { layer: layer.name, j, n: units };
    const z = layer.pre ? layer.pre.data[j] : layer.out.data[j], y = layer.out.data[j], b = layer.bias ? layer.bias.data[j] : 0;
    const x = layer.in.data, inputs = x.length;
    let up = [], down = [], rest = null;
    if (layer.kernel) {
      const contributions = Array.from(x, (v, i) => [i, v, layer.kernel.data[i * units + j]]);
      contributions.sort((a, c) => c[1] * c[2] - a[1] * a[2]);
      up = contributions.filter((t) => t[1] * t[2] > 0).slice(0, 12);
      down = contributions.filter((t) => t[1] * t[2] < 0).reverse().slice(0, 12);
    } else if (layer.top) { up = layer.top[j].up; down = layer.top[j].down; rest = layer.top[j].rest; }
    const source = model.layers[model.layers.indexOf(layer) - 1];
    const grid = source && source.kind === "Flatten" && source.in.shape.length === 3 ? source : null;
    const describe = (i) => {
      if (!grid) return tr(`input ${i}`, `entrada ${i}`);
      const [, W, C] = grid.in.shape, ch = i % C, col = Math.floor(i / C) % W, r = Math.floor(i / (C * W));
      return el("a", { href: `#${prevName(grid)}/${ch}/${r}/${col}` }, tr(`map ${ch}, row ${r}, column ${col}`, `mapa ${ch}, fila ${r}, columna ${col}`));
    };
    const list = (items) => el("table", { class: "contrib" }, el("tr", {}, el("th", {}, tr("input", "entrada")), el("th", {}, "x"), el("th", {}, "w"), el("th", {}, "x·w")),
      items.map(([i, xv, wv]) => el("tr", {}, el("td", {}, describe(i)), el("td", {}, xv.toFixed(4)), el("td", {}, wv.toFixed(4)), el("td", { class: xv * wv < 0 ? "neg" : "" }, (xv * wv).toFixed(4)))));
    const last = model.layers[model.layers.length - 1];
    // What the listed contributions push toward: a class on the output layer, z elsewhere.
    const towards = (positive) => last === layer
      ? tr(`Largest contributions that ${className(positive ? 1 : 0)}`, `Mayores contribuciones hacia ${label(className(positive ? 1 : 0))}`)
      : positive ? tr("Largest contributions that raise z", "Mayores contribuciones que suben z") : tr("Largest contributions that lower z", "Mayores contribuciones que bajan z");
    return el("div", { class: "detail" }, backLink(),
      el("h2", {}, `${layer.name} `, el("small", {}, tr(`Dense, unit ${j} of ${units}`, `Dense, unidad ${j} de ${units}`))),
      el("p", { class: "value", id: "cell-value" }, tr(`unit ${j}: z = b + Σ x·w over ${inputs} inputs = `, `unidad ${j}: z = b + Σ x·w sobre ${inputs} entradas = `)
        + `${fmt(z)}; ${layer.activation}(z) = `, el("b", {}, fmt(y))),
      el("p", { class: "controls" }, el("button", { onclick: () => go(`${layer.name}/${(j + units - 1) % units}`) }, tr("◀ unit", "◀ unidad")),
        el("button", { onclick: () => go(`${layer.name}/${(j + 1) % units}`) }, tr("unit ▶", "unidad ▶"))),
      el("p", {}, tr("bias b = ", "sesgo b = ") + fmt(b)),
      el("div", { class: "split" },
        el("div", {}, el("h3", {}, towards(true)), list(up)),
        el("div", {}, el("h3", {}, towards(false)), list(down))),
      rest !== null ? el("p", { class: "note" }, tr(`The other ${inputs - up.length - down.length} inputs add ${fmt(rest)} together.`,
                                                   `Las otras ${inputs - up.length - down.length} entradas suman ${fmt(rest)} en conjunto.`)) : null,
      last === layer ? el("p", {}, el("a", { href: "#output" }, tr("How z becomes the answer →", "Cómo z se convierte en la respuesta →"))) : null);
  }
  function vectorDetail(layer, j) {
    const n = layer.out.data.length;
    j = clamp(j, n);
    selection = { layer: layer.name, j, n };
    let how = "";
    if (layer.kind === "GlobalAveragePooling2D") how = tr(`the mean of map ${j} of `, `la media del mapa ${j} de `) + prevName(layer);
    if (layer.kind === "GlobalMaxPooling2D") how = tr(`the largest value of map ${j} of `, `el valor más grande del mapa ${j} de `) + prevName(layer);
    return el("div", { class: "detail" }, backLink(), el("h2", {}, `${layer.name} `, el("small", {}, layer.kind)),
      el("p", { class: "value", id: "cell-value" }, tr(`value ${j}: `, `valor ${j}: `), el("b", {}, fmt(layer.out.data[j]))), el("p", {}, how),
      el("p", { class: "controls" }, el("button", { onclick: () => go(`${layer.name}/${(j + n - 1) % n}`) }, "◀"), el("button", { onclick: () => go(`${layer.name}/${(j + 1) % n}`) }, "▶")));
  }
  function outputDetail() {
    selection = null;
    const last = model.layers[model.layers.length - 1];
    if (last.out.data.length !== 1) {
      return el("div", { class: "detail" }, el("h2", {}, tr("Output", "Salida")),
        el("p", { id: "cell-value" }, tr(`softmax over ${last.out.data.length} classes; the largest is `, `softmax sobre ${last.out.data.length} clases; la mayor es `), el("b", {}, D.meta.predicted)));
    }
    const z = last.pre ? last.pre.data[0] : NaN, p = last.out.data[0], one = className(1), zero = className(0);
    return el("div", { class: "detail" }, backLink(), el("h2", {}, tr("Output: logit → sigmoid → threshold → class", "Salida: logit → sigmoide → umbral → clase")),
      el("p", { class: "value", id: "cell-value" }, `z = ${fmt(z)}; p = σ(z) = 1 / (1 + e^(−z)) = `, el("b", {}, fmt(p))),
      sigmoidPlot(z, p),
      el("p", {}, tr(`p is the probability of “${one}” (class 1, the second folder in alphabetical order). p > 0.5 means ${one}, otherwise ${zero}: here `,
                    `p es la probabilidad de ${label(one)} (la clase 1, la segunda carpeta en orden alfabético). p > 0.5 significa ${label(one)} y, si no, ${label(zero)}: aquí `),
        el("b", {}, p > 0.5 ? label(one) : label(zero)), "."),
      el("p", { class: "note" }, tr(`Why “result[0][0] == 1” is the wrong test: predict gives p = ${fmt(p)}, a probability, not a label. It equals 1 only when σ saturates in float32, so the test almost always says “${zero}”. Compare with 0.5 instead: result[0][0] > 0.5.`,
                                   `Por qué “result[0][0] == 1” es una prueba equivocada: predict da p = ${fmt(p)}, una probabilidad, no una etiqueta. Solo vale 1 cuando σ se satura en float32, así que la prueba dice casi siempre ${label(zero)}. Compara con 0.5: result[0][0] > 0.5.`)),
      el("p", {}, el("a", { href: `#${last.name}/0` }, tr(`← the unit that computed z (${last.name})`, `← la unidad que calculó z (${last.name})`))));
  }

  // ---- Navigation --------------------------------------------------------------------------
  function go(hash) { stop(); location.hash = hash; }
  function render(stopPlaying = true) {
    if (stopPlaying) stop();
    const hash = decodeURIComponent(location.hash.slice(1));
    const main = $("#main");
    main.replaceChildren(hash ? detail(hash) : overview());
    document.body.classList.toggle("in-detail", !!hash);
  }
  window.addEventListener("hashchange", () => render());
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { go(""); return; }
    const s = selection;
    if (!s || !location.hash) return;
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    if (s.H !== undefined) go(`${s.layer}/${s.c}/${clamp(s.r + m[0], s.H)}/${clamp(s.col + m[1], s.W)}`);
    else go(`${s.layer}/${clamp(s.j + m[1] + m[0], s.n)}`);
  });

  // ---- Self-check: recompute every cell from the embedded input and weights -----------------
  function selfcheck() {
    let cells = 0, maxdiff = 0, failures = [];
    const check = (what, mine, theirs, scale) => {
      const d = Math.abs(mine - theirs), allowed = 1e-4 * Math.max(1, scale);
      cells++;
      if (!(d <= allowed)) failures.push(`${what}: ${mine} vs ${theirs}`);
      if (d > maxdiff) maxdiff = d;
    };
    for (const L of model.layers) {
      const x = L.in, y = L.pre && L.activation !== "linear" ? L.pre : L.out;
      if (L.kind === "Conv2D") {
        const [KH, KW] = L.window, [SH, SW] = L.strides, [PT, PL] = L.pad, Cin = x.shape[2], [H, W, F] = L.out.shape, k = L.kernel.data;
        for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let f = 0; f < F; f++) {
          let s = L.bias ? L.bias.data[f] : 0, mag = Math.abs(s);
          for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) {
            const rr = r * SH - PT + i, cc = c * SW - PL + j;
            if (!inside(x, rr, cc)) continue;
            for (let ch = 0; ch < Cin; ch++) { const p = at(x, rr, cc, ch) * k[((i * KW + j) * Cin + ch) * F + f]; s += p; mag += Math.abs(p); }
          }
          check(`${L.name}[${r},${c},${f}]`, s, y.data[(r * W + c) * F + f], mag);
        }
      } else if (L.kind === "MaxPooling2D" || L.kind === "AveragePooling2D") {
        const [KH, KW] = L.window, [SH, SW] = L.strides, [PT, PL] = L.pad, [H, W, C] = L.out.shape;
        for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < C; ch++) {
          let best = -Infinity, sum = 0, n = 0;
          for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) {
            const rr = r * SH - PT + i, cc = c * SW - PL + j;
            if (!inside(x, rr, cc)) continue;
            const v = at(x, rr, cc, ch); best = Math.max(best, v); sum += v; n++;
          }
          check(`${L.name}[${r},${c},${ch}]`, L.kind === "MaxPooling2D" ? best : sum / n, L.out.data[(r * W + c) * C + ch], Math.abs(best));
        }
      } else if (L.kind === "BatchNormalization") {
        const C = x.shape[x.shape.length - 1], eps = L.epsilon || 1e-3;
        for (let i = 0; i < x.data.length; i++) {
          const c = i % C, g = L.gamma ? L.gamma.data[c] : 1, b = L.beta ? L.beta.data[c] : 0;
          const v = (x.data[i] - L.moving_mean.data[c]) / Math.sqrt(L.moving_variance.data[c] + eps) * g + b;
          check(`${L.name}[${i}]`, v, L.out.data[i], Math.abs(v));
        }
      } else if (L.kind === "Activation") {
        const mine = applyActivation(L.activation, x);
        for (let i = 0; i < x.data.length; i++) check(`${L.name}[${i}]`, mine.data[i], L.out.data[i], 1);
      } else if (L.kind === "GlobalAveragePooling2D" || L.kind === "GlobalMaxPooling2D") {
        const C = x.shape[2], n = x.data.length / C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity, sum = 0;
          for (let p = 0; p < n; p++) { const v = x.data[p * C + c]; best = Math.max(best, v); sum += v; }
          check(`${L.name}[${c}]`, L.kind === "GlobalMaxPooling2D" ? best : sum / n, L.out.data[c], Math.abs(best));
        }
      } else if (L.kind === "Dense") {
        const units = L.out.shape[0], inputs = x.data.length;
        const exact = L.kernel ? [...Array(units).keys()] : (L.exactUnits || []);
        exact.forEach((j, e) => {
          let s = L.bias ? L.bias.data[j] : 0, mag = Math.abs(s);
          for (let i = 0; i < inputs; i++) {
            const w = L.kernel ? L.kernel.data[i * units + j] : L.columns.data[e * inputs + i], p = x.data[i] * w;
            s += p; mag += Math.abs(p);
          }
          check(`${L.name}[${j}]`, s, y.data[j], mag);
        });
        if (!L.kernel && L.top) {
          // The other units: their listed contributions and the rest add up to z.
          for (let j = 0; j < units; j++) {
            if (exact.includes(j)) continue;
            const t = L.top[j];
            let s = (L.bias ? L.bias.data[j] : 0) + t.rest, mag = Math.abs(s);
            for (const [, xv, wv] of t.up.concat(t.down)) { s += xv * wv; mag += Math.abs(xv * wv); }
            check(`${L.name}[${j}] (listed contributions + rest)`, s, y.data[j], mag);
          }
        }
      }
    }
    const last = model.layers[model.layers.length - 1];
    // The answer: the activation of the logits against the engine's output.
    if (last.pre) {
      const mine = applyActivation(last.activation, last.pre);
      D.meta.output.forEach((v, k) => check(`output[${k}]`, mine.data[k], v, 1));
    }
    document.title = failures.length ? `selfcheck failed ${failures.length} ${failures.slice(0, 3).join("; ")}` : `selfcheck ok ${cells} ${maxdiff.toExponential(2)}`;
    return failures;
  }

  // ---- Start -------------------------------------------------------------------------------
  const scaleBox = $("#shared-scale");
  if (scaleBox) scaleBox.addEventListener("change", () => { sharedScale = scaleBox.checked; render(); });
  const started = performance.now();
  render();
  document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
  // Milliseconds from the start of navigation to a drawn page (data parsed, overview drawn).
  document.body.dataset.readyMs = performance.now().toFixed(0);
  if (new URLSearchParams(location.search).has("selfcheck")) selfcheck();
  window.CNNVIZ_SELFCHECK = selfcheck;
})();
"""#
}
