using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MarketStats.Reports.Extracts;

/// <summary>A request that is not a valid extract request (wrong usage: exit code 2). The message is one sentence that
/// names the key or value and lists what is allowed.</summary>
public sealed class ExtractRequestException(string message) : Exception(message);

/// <summary>An extract that cannot be published as asked (the command ran but found a problem: exit code 1), e.g. more
/// rows than an Excel sheet holds. Nothing is written.</summary>
public sealed class ExtractRefusedException(string message) : Exception(message);

public enum ExtractFormat
{
    Csv,
    Xlsx,
    Parquet,
}

/// <summary>
/// A researcher's extract request (<c>marketstats extract --spec REQUEST.yaml</c>), read strictly from hostile YAML: at
/// most <see cref="MaxBytes"/>, no anchors, aliases or tags, only the known keys, known measures, dimensions and codes.
/// </summary>
/// <param name="Requester">Who asked (the audit log's recipient, normalised by <see cref="Recipient"/>).</param>
/// <param name="Purpose">What for (printed in the notes and logged).</param>
/// <param name="Measures">In the order asked.</param>
/// <param name="Dimensions">Canonical dimensions in the order asked (aliases resolved).</param>
/// <param name="Filters">Canonical dimension → codes, sorted (ordinal).</param>
/// <param name="Format">The output format.</param>
/// <param name="Sha256">SHA-256 of the request file's bytes (logged with the release).</param>
public sealed record ExtractRequest(string Requester, string Purpose, IReadOnlyList<ExtractMeasure> Measures, IReadOnlyList<ExtractDimension> Dimensions,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Filters, ExtractFormat Format, string Sha256)
{
    /// <summary>A request file larger than this is refused before it is parsed.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>At most this many dimensions: a cube of n dimensions has 2^n groupings of margins.</summary>
    public const int MaxDimensions = 5;

    private const int MaxTextLength = 500;

    private const int MaxDepth = 8;

    private static readonly string[] Keys = ["requester", "purpose", "measures", "dimensions", "filters", "format"];

    /// <summary>The audit log's recipient for this request: the requester trimmed, inner white space collapsed, case-folded.</summary>
    public string Recipient => NormaliseRecipient(Requester);

    public static string NormaliseRecipient(string requester) =>
        string.Join(' ', requester.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    /// <summary>Reads and checks a request file (codes of data-driven dimensions, fiscal years and months, are checked by <see cref="CheckCodes"/>).</summary>
    /// <exception cref="ExtractRequestException">The request is not valid.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static ExtractRequest Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"No request file at {path}.", path);
        if (info.Length > MaxBytes)
            throw new ExtractRequestException(string.Create(CultureInfo.InvariantCulture, $"The request file {path} is {info.Length:N0} bytes; a request may be at most {MaxBytes:N0} bytes."));
        byte[] bytes;
        using (var stream = info.OpenRead())
        {
            bytes = new byte[MaxBytes + 1];
            var n = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (n > MaxBytes) throw new ExtractRequestException(string.Create(CultureInfo.InvariantCulture, $"The request file {path} is over {MaxBytes:N0} bytes; a request may be at most {MaxBytes:N0} bytes."));
            Array.Resize(ref bytes, n);
        }
        return Parse(bytes);
    }

    /// <summary>Parses request bytes (UTF-8, BOM allowed).</summary>
    public static ExtractRequest Parse(byte[] bytes)
    {
        if (bytes.Length > MaxBytes) throw new ExtractRequestException(string.Create(CultureInfo.InvariantCulture, $"The request is {bytes.Length:N0} bytes; a request may be at most {MaxBytes:N0} bytes."));
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new ExtractRequestException("The request file is not UTF-8 text.");
        }
        var root = Load(text);
        var map = root as YamlMappingNode ?? throw new ExtractRequestException($"The request must be a YAML mapping with the keys {string.Join(", ", Keys)}.");
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = Scalar(k, "a key");
            if (!Keys.Contains(key)) throw new ExtractRequestException($"Unknown key '{key}' in the request; allowed: {string.Join(", ", Keys)}.");
            if (!values.TryAdd(key, v)) throw new ExtractRequestException($"The key '{key}' appears twice in the request.");
        }
        string Required(string key) =>
            values.TryGetValue(key, out var node) ? Text(node, key) : throw new ExtractRequestException($"The request has no '{key}'; required keys: requester, purpose, measures, dimensions.");

        var requester = Required("requester");
        var purpose = Required("purpose");
        if (!values.TryGetValue("measures", out var measureNode)) Required("measures");
        if (!values.TryGetValue("dimensions", out var dimensionNode)) Required("dimensions");

        var measures = new List<ExtractMeasure>();
        foreach (var name in List(measureNode!, "measures"))
        {
            var measure = ExtractCatalogue.Measure(name)
                          ?? throw new ExtractRequestException($"Unknown measure '{name}' in measures; allowed: {string.Join(", ", ExtractCatalogue.Measures.Select(m => m.Name))}.");
            if (measures.Contains(measure)) throw new ExtractRequestException($"The measure '{name}' is asked for twice in measures.");
            measures.Add(measure);
        }

        var dimensions = new List<ExtractDimension>();
        foreach (var name in List(dimensionNode!, "dimensions"))
        {
            var dimension = UnknownDimension(name, "dimensions");
            if (dimensions.Contains(dimension))
                throw new ExtractRequestException($"The dimension '{name}' is asked for twice in dimensions (as {dimension.Name}).");
            dimensions.Add(dimension);
        }
        if (dimensions.Count > MaxDimensions)
            throw new ExtractRequestException($"The request asks for {dimensions.Count} dimensions; at most {MaxDimensions} are allowed in one extract.");

        var filters = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (values.TryGetValue("filters", out var filterNode))
        {
            var filterMap = filterNode as YamlMappingNode
                            ?? throw new ExtractRequestException("filters must be a mapping of dimension to a list of codes, e.g. { fiscal_year: [2024] }.");
            if (filterMap.Children.Count == 0) throw new ExtractRequestException("filters is empty; leave it out or name at least one dimension.");
            foreach (var (k, v) in filterMap.Children)
            {
                var name = Scalar(k, "a filter");
                var dimension = UnknownDimension(name, "filters");
                var codes = List(v, $"filters.{name}");
                var allowed = dimension.Codes;
                foreach (var code in codes)
                    if (allowed is not null && !allowed.Contains(code, StringComparer.Ordinal))
                        throw new ExtractRequestException($"Unknown code '{code}' in filters.{name}; allowed: {string.Join(", ", allowed)}.");
                if (codes.Distinct(StringComparer.Ordinal).Count() != codes.Count)
                    throw new ExtractRequestException($"filters.{name} lists a code twice.");
                if (!filters.TryAdd(dimension.Name, [.. codes.Order(StringComparer.Ordinal)]))
                    throw new ExtractRequestException($"The dimension '{name}' is filtered twice in filters (as {dimension.Name}).");
            }
        }

        var format = ExtractFormat.Csv;
        if (values.TryGetValue("format", out var formatNode))
        {
            var f = Text(formatNode, "format");
            format = f switch
            {
                "csv" => ExtractFormat.Csv,
                "xlsx" => ExtractFormat.Xlsx,
                "parquet" => ExtractFormat.Parquet,
                _ => throw new ExtractRequestException($"Unknown format '{f}'; allowed: csv, xlsx, parquet."),
            };
        }

        // codes of data-driven dimensions (fiscal years, months) are checked against the warehouse by CheckCodes
        return new ExtractRequest(requester, purpose, measures, dimensions, filters, format, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Checks filter codes of the dimensions whose codes come from the data (fiscal years, months).</summary>
    public void CheckCodes(Func<ExtractDimension, IReadOnlyList<string>> dataCodes)
    {
        foreach (var (name, codes) in Filters)
        {
            var dimension = ExtractCatalogue.Dimension(name)!;
            if (dimension.Codes is not null) continue;
            var allowed = dataCodes(dimension);
            foreach (var code in codes)
                if (!allowed.Contains(code, StringComparer.Ordinal))
                    throw new ExtractRequestException($"Unknown code '{code}' in filters.{name}; the data has: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
        }
    }

    private static ExtractDimension UnknownDimension(string name, string where) =>
        ExtractCatalogue.Dimension(name)
        ?? throw new ExtractRequestException($"Unknown dimension '{name}' in {where}; allowed: {string.Join(", ", ExtractCatalogue.DimensionNames)}.");

    /// <summary>Parses one YAML document, refusing anchors, aliases, tags and more than one document before building anything.</summary>
    private static YamlNode Load(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            var documents = 0;
            var depth = 0;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    // A request is three levels deep (filters → dimension → codes); deeper nesting is refused before
                    // the document is built (building it recurses, and 64 KB of '[' would exhaust the stack).
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        throw new ExtractRequestException($"The request nests lists or mappings more than {MaxDepth} levels deep.");
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case AnchorAlias:
                        throw new ExtractRequestException("The request uses a YAML alias (*name); anchors and aliases are not allowed in a request.");
                    case NodeEvent { Anchor.IsEmpty: false }:
                        throw new ExtractRequestException("The request uses a YAML anchor (&name); anchors and aliases are not allowed in a request.");
                    case NodeEvent { Tag.IsEmpty: false } node:
                        throw new ExtractRequestException($"The request uses a YAML tag ({node.Tag}); tags are not allowed in a request.");
                    case DocumentStart:
                        if (++documents > 1) throw new ExtractRequestException("The request file holds more than one YAML document.");
                        break;
                }
            }
            if (documents == 0) throw new ExtractRequestException("The request file is empty.");
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new ExtractRequestException($"The request is not valid YAML (line {e.Start.Line}): {e.Message}");
        }
    }

    private static string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new ExtractRequestException($"The request has {what} that is not a plain value.");

    private static string Text(YamlNode node, string key)
    {
        var text = node is YamlScalarNode { Value: { } v } ? v.Trim() : throw new ExtractRequestException($"'{key}' must be text.");
        if (text.Length == 0) throw new ExtractRequestException($"'{key}' is empty.");
        if (text.Length > MaxTextLength) throw new ExtractRequestException($"'{key}' is {text.Length} characters long; at most {MaxTextLength} are allowed.");
        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
            throw new ExtractRequestException($"'{key}' contains control characters.");
        return text;
    }

    private static List<string> List(YamlNode node, string key)
    {
        var sequence = node as YamlSequenceNode ?? throw new ExtractRequestException($"'{key}' must be a list, e.g. [a, b].");
        if (sequence.Children.Count == 0) throw new ExtractRequestException($"'{key}' is an empty list; name at least one.");
        return [.. sequence.Children.Select(c => c is YamlScalarNode { Value: { Length: > 0 } v }
            ? v.Trim() : throw new ExtractRequestException($"'{key}' must list plain values."))];
    }

    /// <summary>The request as the notes print it.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"measures: {string.Join(", ", Measures.Select(m => m.Name))}; dimensions: {string.Join(", ", Dimensions.Select(d => d.Name))}; filters: {(Filters.Count == 0 ? "none" : string.Join("; ", Filters.Select(f => $"{f.Key} in [{string.Join(", ", f.Value)}]")))}");
}
