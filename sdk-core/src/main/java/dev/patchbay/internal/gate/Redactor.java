package dev.patchbay.internal.gate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Knows every secret the user agents of one {@code Patchbay} hold and masks them in text that
 * came from the edge before that text reaches a log line, an exception message or an event.
 *
 * <p>Each secret is registered in the forms an edge may echo it in: raw, form-URL-encoded,
 * percent-encoded, Base64 (padded and not), and for a client secret the HTTP Basic credential
 * ({@code base64(id:secret)}, with and without the RFC 6749 §2.3.1 form-encoding of both
 * parts). Secrets are registered where they are obtained and released when revoked or closed
 * ({@link Registration#close()}, {@link Holder}); registrations are counted, so two agents
 * holding the same secret each keep it masked until both released it. Forms shorter than
 * {@link #MIN_SECRET_CHARS} are not registered (they would mask ordinary words).
 *
 * <p>On top of the registry a conservative heuristic masks credential-shaped runs it was never
 * told about: the value after {@code Bearer} / {@code Basic}, after a key such as
 * {@code access_token=}, {@code password:} or {@code ice-pwd:}, and long runs of token
 * characters that mix letters and digits (32+ chars, UUIDs excepted).
 *
 * <p>Thread-safe; {@link #redact} takes no lock and costs O(text length) lookups.
 */
public final class Redactor {
  /** What a secret is replaced with. */
  public static final String MASK = "██";
  /** Shorter forms are not registered. */
  public static final int MIN_SECRET_CHARS = 6;

  private static final Pattern AUTH_SCHEME =
      Pattern.compile("(?i)\\b(bearer|basic)(\\s+)[A-Za-z0-9._~+/=\\-]{6,}");
  private static final Pattern KEY_VALUE = Pattern.compile("(?i)\\b(access_token|refresh_token"
      + "|id_token|subject_token|client_secret|code_verifier|password|passwd"
      + "|secret|credential|ice-pwd|token|code)(\"?\\s*[=:]\\s*\"?)([^\\s\"'&,;]{6,})");
  private static final Pattern LONG_RUN = Pattern.compile("[A-Za-z0-9+/_\\-.~=]{32,}");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** form prefix (MIN_SECRET_CHARS chars) → form → registration count. Writes under lock. */
  private final Map<String, Map<String, Integer>> byPrefix = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private int forms; // guarded by lock

  /** Registers {@code secrets} (null and blank ignored); close the result to release them. */
  public Registration register(String... secrets) {
    Set<String> all = new LinkedHashSet<>();
    for (String s : secrets) {
      all.addAll(formsOf(s));
    }
    return add(all);
  }

  /**
   * Registers a client secret with its HTTP Basic forms for {@code clientId} (the id itself is
   * not a secret and stays readable).
   */
  public Registration registerClient(String clientId, String clientSecret) {
    Set<String> all = new LinkedHashSet<>(formsOf(clientSecret));
    if (clientSecret != null && !clientSecret.isEmpty() && clientId != null) {
      String formId = URLEncoder.encode(clientId, StandardCharsets.UTF_8);
      String formSecret = URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
      addBase64(all, formId + ':' + formSecret); // RFC 6749 §2.3.1
      addBase64(all, clientId + ':' + clientSecret); // RFC 7617 as most servers echo it
    }
    return add(all);
  }

  /** Every form of {@code secret} that is registered (for tests and the log check). */
  public static List<String> formsOf(String secret) {
    Set<String> out = new LinkedHashSet<>();
    if (secret == null || secret.isBlank()) {
      return List.of();
    }
    out.add(secret);
    out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    addBase64(out, secret);
    out.removeIf(f -> f.length() < MIN_SECRET_CHARS);
    return List.copyOf(out);
  }

  private static void addBase64(Set<String> out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.add(Base64.getEncoder().encodeToString(bytes));
    out.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
    out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  private Registration add(Set<String> all) {
    all.removeIf(f -> f.length() < MIN_SECRET_CHARS);
    synchronized (lock) {
      for (String f : all) {
        byPrefix.computeIfAbsent(f.substring(0, MIN_SECRET_CHARS), k -> new ConcurrentHashMap<>())
            .merge(f, 1, Integer::sum);
        forms++;
      }
    }
    return new Registration(List.copyOf(all));
  }

  private void remove(List<String> all) {
    synchronized (lock) {
      for (String f : all) {
        String prefix = f.substring(0, MIN_SECRET_CHARS);
        Map<String, Integer> m = byPrefix.get(prefix);
        if (m == null) {
          continue;
        }
        if (m.computeIfPresent(f, (k, n) -> n <= 1 ? null : n - 1) == null
            && m.isEmpty()) {
          byPrefix.remove(prefix);
        }
        forms--;
      }
    }
  }

  /** Registered forms, counting each registration (zero once every holder released). */
  public int size() {
    synchronized (lock) {
      return forms;
    }
  }

  /**
   * {@code text} with every registered secret and every credential-shaped run replaced by
   * {@link #MASK}; null stays null. Idempotent.
   */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    return heuristic(exact(text));
  }

  /**
   * Whether {@code text} holds a registered secret (exact forms only, not the heuristics): for
   * values that cannot be masked because they identify something, such as ids.
   */
  public boolean containsSecret(String text) {
    return text != null && !text.isEmpty() && exact(text) != text;
  }

  private String exact(String text) {
    if (byPrefix.isEmpty() || text.length() < MIN_SECRET_CHARS) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i <= text.length() - MIN_SECRET_CHARS) {
      Map<String, Integer> candidates = byPrefix.get(text.substring(i, i + MIN_SECRET_CHARS));
      int longest = 0;
      if (candidates != null) {
        for (String form : candidates.keySet()) {
          if (form.length() > longest && text.startsWith(form, i)) {
            longest = form.length();
          }
        }
      }
      if (longest == 0) {
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, i).append(MASK);
      i += longest;
      copied = i;
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  private static String heuristic(String text) {
    String s = AUTH_SCHEME.matcher(text).replaceAll("$1$2" + MASK);
    s = KEY_VALUE.matcher(s).replaceAll(m -> {
      String key = m.group(1).toLowerCase(java.util.Locale.ROOT);
      boolean generic = key.equals("code") || key.equals("token");
      // "code=invalid_grant" is an error code, "code=4f9a…" may be an authorization code
      return Matcher.quoteReplacement(generic && !hasDigit(m.group(3)) ? m.group()
          : m.group(1) + m.group(2) + MASK);
    });
    Matcher m = LONG_RUN.matcher(s);
    StringBuilder out = null;
    int copied = 0;
    while (m.find()) {
      String run = m.group();
      if (!credentialShaped(run)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length());
      }
      out.append(s, copied, m.start()).append(MASK);
      copied = m.end();
    }
    return out == null ? s : out.append(s, copied, s.length()).toString();
  }

  private static boolean hasDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isDigit(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean credentialShaped(String run) {
    boolean letter = false;
    boolean digit = false;
    for (int i = 0; i < run.length(); i++) {
      char c = run.charAt(i);
      letter |= Character.isLetter(c);
      digit |= Character.isDigit(c);
    }
    return letter && digit && !UUID.matcher(run).matches();
  }

  /** One registration; {@link #close()} releases its forms. Idempotent. */
  public final class Registration implements AutoCloseable {
    private List<String> forms;

    private Registration(List<String> forms) {
      this.forms = forms;
    }

    @Override
    public void close() {
      List<String> f;
      synchronized (this) {
        f = forms;
        forms = null;
      }
      if (f != null) {
        remove(f);
      }
    }

    @Override
    public String toString() {
      return "Redactor.Registration{" + (forms == null ? "released" : "held") + '}';
    }
  }

  /**
   * The secrets of one owner (a token source, a codec), by slot: a new value in a slot replaces
   * the old one, which stays masked until {@code keepPrevious} newer values came after it (an
   * edge may still echo a token it just saw replaced). Bounded: at most
   * {@code 1 + keepPrevious} values per slot. {@link #close()} releases everything.
   */
  public final class Holder implements AutoCloseable {
    private final int keepPrevious;
    private final Map<String, Deque<Registration>> slots = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    private Holder(int keepPrevious) {
      this.keepPrevious = keepPrevious;
    }

    /** Holds {@code secrets} as one value of {@code slot} (nulls ignored). */
    public void hold(String slot, String... secrets) {
      holdRegistration(slot, register(secrets));
    }

    /** Holds a client secret and its Basic forms in {@code slot}. */
    public void holdClient(String slot, String clientId, String clientSecret) {
      holdRegistration(slot, registerClient(clientId, clientSecret));
    }

    private void holdRegistration(String slot, Registration r) {
      List<Registration> evicted = new ArrayList<>();
      synchronized (this) {
        if (closed) {
          evicted.add(r);
        } else {
          Deque<Registration> d = slots.computeIfAbsent(slot, k -> new ArrayDeque<>());
          d.addFirst(r);
          while (d.size() > 1 + keepPrevious) {
            evicted.add(d.removeLast());
          }
        }
      }
      evicted.forEach(Registration::close);
    }

    /** Releases every value held. Idempotent; later holds are released at once. */
    @Override
    public void close() {
      List<Registration> all = new ArrayList<>();
      synchronized (this) {
        closed = true;
        slots.values().forEach(all::addAll);
        slots.clear();
      }
      all.forEach(Registration::close);
    }
  }

  /** A new holder keeping {@code keepPrevious} superseded values per slot masked. */
  public Holder holder(int keepPrevious) {
    if (keepPrevious < 0) {
      throw new IllegalArgumentException("keepPrevious must be >= 0, but was " + keepPrevious);
    }
    return new Holder(keepPrevious);
  }
}
