// Validate a QuantumLock license key: dotnet run -- QCOS-XXXX-XXXX-XXXX-XXXX
//
// Set QUANTUMLOCK_VENDOR_ID to your own customer id (cust_..., from registration or
// GET /api/v1/customers/me), or fill in vendorId below. QuantumLock serves every vendor, so a
// license is only yours when its customer_id is your id: any other vendor's license is
// refused (wrong_vendor).
using System.Net.Http.Json;
using System.Text.Json;

var vendorId = Environment.GetEnvironmentVariable("QUANTUMLOCK_VENDOR_ID") ?? "";
if (!vendorId.StartsWith("cust_"))
{
    Console.Error.WriteLine("set QUANTUMLOCK_VENDOR_ID to your QuantumLock customer id (cust_...)");
    return 2;
}
var baseUrl = Environment.GetEnvironmentVariable("QUANTUMLOCK_URL") ?? "http://127.0.0.1:8000";
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
var response = await http.PostAsJsonAsync(
    $"{baseUrl}/api/v1/licenses/validate", new { license_key = args[0] });
response.EnsureSuccessStatusCode();
var result = await response.Content.ReadFromJsonAsync<JsonElement>();
var valid = result.GetProperty("valid").GetBoolean();
if (valid && (!result.TryGetProperty("customer_id", out var customer)
              || customer.GetString() != vendorId))
{
    Console.WriteLine("invalid: wrong_vendor");
    return 1;
}
Console.WriteLine(valid
    ? $"valid until {result.GetProperty("expires_at").GetString()}"
    : $"invalid: {(result.TryGetProperty("reason", out var reason) ? reason.GetString() : "unknown")}");
return valid ? 0 : 1;
