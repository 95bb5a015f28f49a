/** Word-wrap text into lines of at most `width` columns (hard-breaking words longer than a line). */
export const wrapText = (text: string, width: number): Array<string> => {
  const w = Math.max(1, width)
  const lines: Array<string> = []
  for (const paragraph of text.split("\n")) {
    let line = ""
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word
      while (rest.length > w) {
        if (line) {
          lines.push(line)
          line = ""
        }
        lines.push(rest.slice(0, w))
        rest = rest.slice(w)
      }
      if (!line) line = rest
      else if (line.length + 1 + rest.length <= w) line = `${line} ${rest}`
      else {
        lines.push(line)
        line = rest
      }
    }
    lines.push(line)
  }
  return lines
}
