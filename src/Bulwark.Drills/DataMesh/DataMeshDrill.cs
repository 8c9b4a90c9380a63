using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.DataMesh;

/// <summary>
/// Data Mesh (Codex 33): two customers order; the orders module's data product is built and downloaded as a consumer
/// would, both customers found in it by pseudonym and no raw personal value in it; customer A is forgotten through the
/// operator's erasure; the next version lacks A and keeps B, is what the catalogue serves as newest, is within its
/// freshness SLO, and its contract matches its file. Restore forgets B too.
/// </summary>
public sealed class DataMeshDrill : Drill<DataMeshOptions>
{
    private DrillCustomer? _a;
    private DrillCustomer? _b;
    private readonly List<Guid> _aOrders = [];
    private readonly List<Guid> _bOrders = [];
    private bool _bForgotten;

    /// <summary>Creates the drill.</summary>
    /// <param name="options">The product, paths and thresholds.</param>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public DataMeshDrill(DataMeshOptions? options = null)
        : base(new("data-mesh", "Data Mesh", "Does the orders team publish its data as a product consumers can trust (a contract, fresh within its SLO, no raw personal data), and does a forgotten customer leave it?", ["33 Data Mesh"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        context.RequireOperatorKey("for the data product catalogue and the customer erasure");

        // Not RequireTargetAnswersAsync: its 5 s is less than a cold shop's first answers on a busy machine, and time is
        // judged on the builds only.
        using var admin = Admin(context);
        using (var product = await ProbeAsync(admin, ProductPath(), cancellationToken).ConfigureAwait(false))
        {
            if (product.StatusCode == HttpStatusCode.NotFound)
            {
                throw new DrillSkippedException($"the target lists no data product '{Options.Product}' at {Options.CataloguePath}.");
            }

            if (!product.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"GET {ProductPath()} answered {(int)product.StatusCode}: the operator key was refused, or the catalogue is on the management port (ManagementUrl).");
            }
        }

        using var http = Client(context);
        _a = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
        _b = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < Options.OrdersPerCustomer; i++)
        {
            _aOrders.Add(await _a.PlaceOrderAsync(http, context.DefaultHeaders, "the data product is built from the customers' orders", cancellationToken).ConfigureAwait(false));
            _bOrders.Add(await _b.PlaceOrderAsync(http, context.DefaultHeaders, "the data product is built from the customers' orders", cancellationToken).ConfigureAwait(false));
        }

        await SettleAsync(http, context, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var a = _a ?? throw new InvalidOperationException("Arrange did not run.");
        var b = _b!;
        using var admin = Admin(context);
        var aOrders = _aOrders.Select(o => o.ToString("D")).ToHashSet(StringComparer.Ordinal);
        var bOrders = _bOrders.Select(o => o.ToString("D")).ToHashSet(StringComparer.Ordinal);

        context.Recorder.Phase("build before the erasure");
        var (before, firstFile) = await BuildAndDownloadAsync(admin, context, cancellationToken).ConfigureAwait(false);
        var aPseudonyms = Distinct(firstFile.ValuesWhere(Options.CustomerColumn, Options.OrderColumn, aOrders));
        var bPseudonyms = Distinct(firstFile.ValuesWhere(Options.CustomerColumn, Options.OrderColumn, bOrders));

        context.Recorder.Phase("forget customer A");
        var (forget, _, _) = await ForgetAsync(admin, a.Id, cancellationToken).ConfigureAwait(false);
        var (again, saidAlready, _) = await ForgetAsync(admin, a.Id, cancellationToken).ConfigureAwait(false);
        var (unknown, _, unknownIsProblem) = await ForgetAsync(admin, Guid.NewGuid(), cancellationToken).ConfigureAwait(false);

        context.Recorder.Phase("build after the erasure");
        var (after, secondFile) = await BuildAndDownloadAsync(admin, context, cancellationToken).ConfigureAwait(false);
        var aRowsAfter = RowsWhere(secondFile, (order, customer) => (order is not null && aOrders.Contains(order)) || (customer is not null && aPseudonyms.Contains(customer)));
        var bRowsAfter = RowsWhere(secondFile, (order, customer) => order is not null && bOrders.Contains(order) && customer is not null && bPseudonyms.Count == 1 && customer == bPseudonyms[0]);

        // What a consumer sees now: the catalogue's newest version, its age against the SLO, and that version's file.
        var listed = await admin.GetFromJsonAsync<JsonObject>(ProductPath(), cancellationToken).ConfigureAwait(false)
            ?? throw new DrillPreconditionException($"GET {ProductPath()} answered no JSON object.");
        var latest = (listed["versions"] as JsonArray ?? []).Select(v => v?["version"]?.GetValue<long>()).Max();
        var latestIsFirst = latest is { } newest && (await DownloadAsync(admin, newest, cancellationToken).ConfigureAwait(false)).Sha256 == firstFile.Sha256;
        var age = listed["ageSeconds"]?.GetValue<long>() is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var slo = TimeSpan.FromSeconds(listed["freshnessSloSeconds"]?.GetValue<long>() ?? 0);

        var contract = await admin.GetStringAsync(new Uri($"{ProductPath()}/versions/{after.Version.ToString(CultureInfo.InvariantCulture)}/contract", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var mismatches = ContractMismatches(contract, secondFile);

        var raw = new List<string>();
        foreach (var (who, customer) in new[] { ("A", a), ("B", b) })
        {
            foreach (var (file, name) in new[] { (firstFile, $"v{before.Version}"), (secondFile, $"v{after.Version}") })
            {
                raw.AddRange(RawValues(file, customer).Select(kind => $"customer {who}'s {kind} in {name}"));
            }
        }

        return DataMeshJudge.Judge(
            new DataMeshMeasurements(
                Options.Product, Options.OrdersPerCustomer, before, after,
                firstFile.ValuesWhere(Options.OrderColumn, Options.OrderColumn, aOrders).Count,
                firstFile.ValuesWhere(Options.OrderColumn, Options.OrderColumn, bOrders).Count,
                aPseudonyms, bPseudonyms, raw,
                forget, again, saidAlready, unknown, unknownIsProblem,
                aRowsAfter, bRowsAfter, latest, latestIsFirst, age, slo, mismatches),
            Options);
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        // A is forgotten by the drill itself; B goes too, so the drill leaves no readable personal data in the shop.
        if (Options.ForgetBothAfter && _b is { } b && !_bForgotten && context.DefaultHeaders.ContainsKey("X-Api-Key"))
        {
            using var admin = Admin(context);
            var (status, _, _) = await ForgetAsync(admin, b.Id, cancellationToken).ConfigureAwait(false);
            if (status is < 200 or > 299)
            {
                throw new DrillPreconditionException($"Forgetting the drill's customer B ({b.Id}) answered {status}; forget it by hand: DELETE {Options.ForgetPath}.");
            }

            _bForgotten = true;
        }
    }

    private static async Task<HttpResponseMessage> ProbeAsync(HttpClient client, Uri path, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DrillPreconditionException($"{client.BaseAddress} does not answer GET {path} ({e.Message}); is it running? e.g. dotnet run --project shop/Shop.Host", e);
        }
    }

    private Uri ProductPath() => new($"{Options.CataloguePath.TrimEnd('/')}/{Uri.EscapeDataString(Options.Product)}", UriKind.Relative);

    // Both customers' orders decided, so the first build sees them as they stay.
    private async Task SettleAsync(HttpClient http, DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        foreach (var (customer, order) in _aOrders.Select(o => (_a!, o)).Concat(_bOrders.Select(o => (_b!, o))))
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/orders/{order}", UriKind.Relative));
                context.AddDefaultHeaders(request);
                customer.Authorize(request);
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var status = response.IsSuccessStatusCode
                    ? (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false))?["status"]?.GetValue<string>()
                    : null;
                if (status is not null and not "Pending")
                {
                    break;
                }

                if (time.GetElapsedTime(started) >= Options.SettleWithin)
                {
                    throw new DrillPreconditionException($"Order {order} was still {status ?? "unreadable"} after {Options.SettleWithin.TotalSeconds:F0} s; the drill builds from decided orders.");
                }

                await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(BuiltVersion Version, ProductFile File)> BuildAndDownloadAsync(HttpClient admin, DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        using var response = await admin.PostAsync(new Uri($"{ProductPath()}/builds", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        var latency = time.GetElapsedTime(started);
        context.Recorder.Record(latency, answered: true, error: !response.IsSuccessStatusCode);
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"POST {ProductPath()}/builds answered {(int)response.StatusCode}: the product could not be built.");
        }

        var version = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false))?["version"]?.GetValue<long>()
            ?? throw new DrillPreconditionException($"POST {ProductPath()}/builds answered without a version.");
        var file = await DownloadAsync(admin, version, cancellationToken).ConfigureAwait(false);
        return (new BuiltVersion(version, file.Rows, latency), file);
    }

    private async Task<ProductFile> DownloadAsync(HttpClient admin, long version, CancellationToken cancellationToken)
    {
        var path = $"{ProductPath()}/versions/{version.ToString(CultureInfo.InvariantCulture)}";
        using var response = await admin.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"GET {path} answered {(int)response.StatusCode}: a built version must download.");
        }

        return await ProductFile.ReadAsync(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Status, bool AlreadyForgotten, bool IsProblem)> ForgetAsync(HttpClient admin, Guid customerId, CancellationToken cancellationToken)
    {
        var path = Options.ForgetPath.Replace("{id}", customerId.ToString("D"), StringComparison.Ordinal);
        using var response = await admin.DeleteAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
        var already = false;
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            already = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false))?["alreadyForgotten"]?.GetValue<bool>() == true;
        }

        if (customerId == _b?.Id && response.IsSuccessStatusCode)
        {
            _bForgotten = true;
        }

        return ((int)response.StatusCode, already, isProblem);
    }

    private int RowsWhere(ProductFile file, Func<string?, string?, bool> match)
    {
        var orders = file.Text.GetValueOrDefault(Options.OrderColumn) ?? [];
        var customers = file.Text.GetValueOrDefault(Options.CustomerColumn) ?? new string?[orders.Length];
        return Enumerable.Range(0, orders.Length).Count(i => match(orders[i], customers[i]));
    }

    private static List<string> Distinct(IEnumerable<string?> values) => [.. values.OfType<string>().Distinct(StringComparer.Ordinal)];

    // A raw value leaks through any text column, whole or inside another value, in any case: the id in both GUID
    // spellings and the e-mail.
    private static IEnumerable<string> RawValues(ProductFile file, DrillCustomer customer)
    {
        var needles = new (string Kind, string Value)[] { ("id", customer.Id.ToString("D")), ("id", customer.Id.ToString("N")), ("e-mail", customer.Email) };
        return needles
            .Where(n => file.Text.Values.Any(column => column.Any(v => v is not null && v.Contains(n.Value, StringComparison.OrdinalIgnoreCase))))
            .Select(n => n.Kind)
            .Distinct(StringComparer.Ordinal);
    }

    // The published fields of the contract (ODCS schema properties not marked x-published false) against the file's columns.
    private static List<string> ContractMismatches(string contractJson, ProductFile file)
    {
        var mismatches = new List<string>();
        JsonArray properties;
        try
        {
            properties = JsonNode.Parse(contractJson)?["schema"]?.AsArray().FirstOrDefault()?["properties"]?.AsArray() ?? [];
        }
        catch (JsonException e)
        {
            return [$"the contract is not JSON ({e.Message})"];
        }

        var declared = properties.OfType<JsonObject>().Where(p => p["x-published"]?.GetValue<bool>() != false).ToList();
        if (declared.Count == 0)
        {
            mismatches.Add("the contract declares no published field");
        }

        foreach (var property in declared)
        {
            var name = property["name"]?.GetValue<string>() ?? "(unnamed)";
            var column = file.Columns.FirstOrDefault(c => c.Name == name);
            var type = property["logicalType"]?.GetValue<string>();
            var required = property["required"]?.GetValue<bool>() ?? false;
            if (column is null)
            {
                mismatches.Add($"'{name}' is in the contract, not in the file");
            }
            else if (column.LogicalType != type)
            {
                mismatches.Add($"'{name}' is {type} in the contract, {column.LogicalType} in the file");
            }
            else if (required == column.Nullable)
            {
                mismatches.Add($"'{name}' is {(required ? "required" : "optional")} in the contract, {(column.Nullable ? "nullable" : "not nullable")} in the file");
            }
        }

        foreach (var column in file.Columns.Where(c => !declared.Any(p => p["name"]?.GetValue<string>() == c.Name)))
        {
            mismatches.Add($"'{column.Name}' is in the file, not published by the contract");
        }

        return mismatches;
    }

    private HttpClient Client(DrillContext context) => LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);

    private HttpClient Admin(DrillContext context) => context.CreateClient(Options.RequestTimeout, Options.ManagementUrl);
}
