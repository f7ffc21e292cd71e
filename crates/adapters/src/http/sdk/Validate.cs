// Validate a QuantumLock license key: dotnet run -- QCOS-XXXX-XXXX-XXXX-XXXX
using System.Net.Http.Json;
using System.Text.Json;

var baseUrl = Environment.GetEnvironmentVariable("QUANTUMLOCK_URL") ?? "http://127.0.0.1:8000";
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
var response = await http.PostAsJsonAsync(
    $"{baseUrl}/api/v1/licenses/validate", new { license_key = args[0] });
response.EnsureSuccessStatusCode();
var result = await response.Content.ReadFromJsonAsync<JsonElement>();
var valid = result.GetProperty("valid").GetBoolean();
Console.WriteLine(valid
    ? $"valid until {result.GetProperty("expires_at").GetString()}"
    : $"invalid: {(result.TryGetProperty("reason", out var reason) ? reason.GetString() : "unknown")}");
return valid ? 0 : 1;
