using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Payments.Acquirer;
using Bulwark.DataProducts;
using Shop.Infrastructure.DataProducts;
using Shop.Infrastructure.EventSourcing;
using Shop.Payments.DataProducts;
using Shop.Payments.Ledger;
using Shop.Payments.Api;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;
using Shop.Payments.Reconciliation;

namespace Shop.Payments;

/// <summary>The Payments module's one entry point: its services and its endpoints.</summary>
public sealed class PaymentsModule : IShopModule
{
    /// <summary>The name of the payment provider's HttpClient, for adding handlers to it.</summary>
    public const string ProviderClientName = "payment-provider";

    /// <summary>The resilience pipeline (breaker, retry, timeouts) every call to the provider goes through.</summary>
    public const string Pipeline = "payments";

    private PaymentsModule()
    {
    }

    /// <summary>The module's name, also the prefix of its tables.</summary>
    public static string Name => "payments";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => PaymentsMigrations.All;

    /// <summary>
    /// Registers <see cref="IPaymentsApi"/> over the HTTP API of the vendor <c>Shop:Payments:Provider</c> names
    /// (<c>PaymentProvider</c>, the default, or <c>Acquirer</c>) through the <c>payments</c> pipeline of
    /// <c>AddBulwarkResilience</c>, the reconciliation table (<c>payments_reconciliations</c>) and the background
    /// reconciler of charges whose outcome is unknown (<c>Shop:Payments:Reconciliation</c>).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentProviderOptions>().BindConfiguration(PaymentProviderOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<ReconciliationStore>();
        services.TryAddSingleton<ReconciliationMetrics>();
        services.TryAddSingleton<ChargeMetrics>();
        services.TryAddSingleton<ChargeReconciliation>();
        services.AddHostedService<ChargeReconciler>();
        services.TryAddTransient<IPaymentsApi, ProviderPayments>();
        AddPaymentLedger(services);
        AddPaymentGateway(services);
    }

    // Definite provider answers recorded in the shop's event log, and the payments data product built from them (Codex 33).
    private static void AddPaymentLedger(IServiceCollection services)
    {
        services.AddShopEventSourcing(events => events
            .Register<PaymentCharged>("payments.PaymentCharged")
            .Register<PaymentDeclined>("payments.PaymentDeclined")
            .Register<ChargeRefunded>("payments.ChargeRefunded"));
        services.TryAddSingleton<PaymentLedger>();
        services.AddShopDataProducts().WithProduct(new PaymentsDataProduct());
    }

    // The vendor adapter Shop:Payments:Provider names, over one HttpClient with the one resilience pipeline, whatever
    // vendor is chosen. Switching vendors is this setting and the vendor's address; no caller changes.
    private static void AddPaymentGateway(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddTransient<IPaymentGateway>(sp =>
        {
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ProviderClientName);
            var time = sp.GetRequiredService<TimeProvider>();
            var options = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value;
            return options.Provider switch
            {
                PaymentProviderKind.Acquirer => new AcquirerClient(http, options.Acquirer, time),
                _ => new PaymentProviderClient(http, time),
            };
        });
        services.AddHttpClient(ProviderClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value;
            var baseUrl = options.Provider == PaymentProviderKind.Acquirer
                ? options.Acquirer.Url
                : sp.GetRequiredService<IOptions<PaymentProviderOptions>>().Value.PaymentProviderUrl;
            http.BaseAddress = new Uri(baseUrl, "/");
        }).AddBulwarkResilienceHandler(Pipeline);
    }

    /// <summary>Maps <c>/api/payments</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => PaymentEndpoints.Map(endpoints);
}
