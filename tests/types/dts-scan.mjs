// Shared by check-spec.mjs and check-tokens.mjs: a lexer-light view of a .d.ts.

/**
 * The source with comments blanked and string contents replaced by `x`, positions preserved, so
 * that braces, semicolons and `|` can be found without tripping over prose. Also returns the
 * spans of every JSDoc comment.
 */
export function scan(text) {
  const out = text.split("");
  const jsdocs = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const n = text[i + 1];
    if (c === "/" && n === "/") {
      while (i < text.length && text[i] !== "\n") out[i++] = " ";
    } else if (c === "/" && n === "*") {
      const start = i;
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      if (n === "*" && text[i + 2] === "*") jsdocs.push({ start, end: stop, text: text.slice(start, stop) });
      for (; i < stop; i++) if (text[i] !== "\n") out[i] = " ";
    } else if (c === '"' || c === "'" || c === "`") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\") out[i++] = "x";
        out[i++] = "x";
      }
      i++;
    } else {
      i++;
    }
  }
  return { masked: out.join(""), jsdocs };
}
