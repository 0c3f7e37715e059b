using MarketStats.Core.Contract;

namespace MarketStats.Synthetic;

internal enum Form { Project, Competition, Task }

internal enum Category { WebDevelopment, WebDesign, SystemDevelopment, Design, Writing, ImageVideo, Tasks, Other }

internal enum Status { Posted, Contracted, Escrowed, Delivered, Paid, Cancelled, Disputed }

internal enum ClientType { Corporation, SoleProprietor, PublicBody, Individual }

/// <summary>The contract's code lists, looked up by the generator's enums.</summary>
/// <remarks>The strings come from the contract JSON; a code the generator needs but the contract lacks fails at start-up.</remarks>
internal static class MarketCodes
{
    public static readonly string[] Forms = Lookup("form", "project", "competition", "task");

    public static readonly string[] Categories = Lookup("category",
        "web_development", "web_design", "system_development", "design", "writing", "image_video", "tasks", "other");

    public static readonly string[] Statuses = Lookup("status",
        "posted", "contracted", "escrowed", "delivered", "paid", "cancelled", "disputed");

    public static readonly string[] ClientTypes = Lookup("client_type", "corporation", "sole_proprietor", "public_body", "individual");

    public static readonly string[] Kinds = Lookup("kind", "worker", "client");

    /// <summary>Age bands in the contract's order (youngest first).</summary>
    public static readonly string[] AgeBands = ExportContract.V1.CodeLists["age_band"];

    public static readonly string[] Genders = Lookup("gender", "female", "male", "other", "unknown");

    public static readonly int CategoryCount = Categories.Length;

    private static string[] Lookup(string codeList, params string[] expected)
    {
        var codes = ExportContract.V1.CodeLists[codeList];
        var missing = expected.Where(e => !codes.Contains(e)).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"Contract code list '{codeList}' lacks {string.Join(", ", missing)}.");
        return expected;
    }
}
