// Validate a QuantumLock license key: java Validate.java QCOS-XXXX-XXXX-XXXX-XXXX
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class Validate {
    public static void main(String[] args) throws Exception {
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
        boolean valid = response.body().contains("\"valid\":true");
        System.out.println((valid ? "valid: " : "invalid: ") + response.body());
        System.exit(valid ? 0 : 1);
    }
}
