// Validate a QuantumLock license key: java Validate.java QCOS-XXXX-XXXX-XXXX-XXXX
//
// Set QUANTUMLOCK_VENDOR_ID to your own customer id (cust_..., from registration or
// GET /api/v1/customers/me), or fill in VENDOR_ID below. QuantumLock serves every vendor, so a
// license is only yours when its customer_id is your id: any other vendor's license is
// refused (wrong_vendor).
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Validate {
    static final String VENDOR_ID = System.getenv().getOrDefault("QUANTUMLOCK_VENDOR_ID", "");

    /** The raw value of a top-level field, or null unless the name occurs exactly once. */
    static String field(String body, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"[^\"\\\\]*\"|true|false)").matcher(body);
        if (!m.find()) return null;
        String value = m.group(1);
        // A second occurrence could come from license metadata: trust neither.
        return m.find() ? null : value;
    }

    public static void main(String[] args) throws Exception {
        if (!VENDOR_ID.startsWith("cust_")) {
            System.err.println(
                    "set QUANTUMLOCK_VENDOR_ID to your QuantumLock customer id (cust_...)");
            System.exit(2);
        }
        String baseUrl = System.getenv().getOrDefault("QUANTUMLOCK_URL", "http://127.0.0.1:8000");
        // License keys contain only letters, digits and dashes, so no JSON escaping is needed.
        String body = "{\"license_key\": \"" + args[0].replaceAll("[^A-Za-z0-9-]", "") + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/licenses/validate"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        String answer = response.body();
        boolean valid = "true".equals(field(answer, "valid"));
        if (valid && !("\"" + VENDOR_ID + "\"").equals(field(answer, "customer_id"))) {
            System.out.println("invalid: wrong_vendor");
            System.exit(1);
        }
        System.out.println((valid ? "valid: " : "invalid: ") + answer);
        System.exit(valid ? 0 : 1);
    }
}
