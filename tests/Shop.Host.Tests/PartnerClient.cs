namespace Shop.Host.Tests;

/// <summary>Test clients that poll: they present the partner API key so polling is not rate limited as anonymous traffic.</summary>
internal static class PartnerClient
{
    public static RunningShop AsPartner(this RunningShop shop)
    {
        shop.Client.DefaultRequestHeaders.Add("X-Api-Key", "demo-partner-key");
        return shop;
    }
}
