package dev.patchbay.jmeter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A JMeter CSV result file (JTL) with its header line, parsed the way JMeter quotes it. */
record Jtl(List<Map<String, String>> rows) {

  static Jtl read(Path file) throws IOException {
    List<String> records = splitRecords(Files.readString(file, StandardCharsets.UTF_8));
    List<String> header = fields(records.get(0));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String rec : records.subList(1, records.size())) {
      if (rec.isEmpty()) {
        continue;
      }
      List<String> f = fields(rec);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.size() && i < f.size(); i++) {
        row.put(header.get(i), f.get(i));
      }
      rows.add(row);
    }
    return new Jtl(rows);
  }

  List<Map<String, String>> label(String label) {
    return rows.stream().filter(r -> label.equals(r.get("label"))).toList();
  }

  /** Records end at a newline outside quotes. */
  private static List<String> splitRecords(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if ((c == '\n' || c == '\r') && !quoted) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        continue;
      }
      cur.append(c);
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  private static List<String> fields(String rec) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < rec.length(); i++) {
      char c = rec.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < rec.length() && rec.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
