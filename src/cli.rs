//! Command line: the clap structures, kept plain. Resolution and validation of the values happen in
//! the command modules (`crate::cmd::*`), each of which exports one `run` function.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// zyz (专业镇): YAML about specialty towns in, GB/T 9704-2012 documents out.
#[derive(Debug, Parser)]
#[command(name = "zyz", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the content against its schema and the designation standards.
    Check(CheckArgs),
    /// Validate, then render and typeset every document into the output folder.
    Build(BuildArgs),
    /// Rebuild the affected documents whenever a content or template file is saved.
    Watch(BuildArgs),
    /// Build and watch as `watch` does, and show the towns, what is due and every document in
    /// the browser (a local web page that follows the saves).
    Serve(ServeArgs),
    /// Issue built documents: record each in content/register.yaml with its 文号 and SHA-256;
    /// builds never make an issued document again.
    Issue(IssueArgs),
    /// Write PNG pages of one document for a quick look.
    Preview(PreviewArgs),
    /// List the fonts available to each typesetting role.
    Fonts(FontArgs),
    /// Print the JSON Schema of the content files (for editors).
    Schema(SchemaArgs),
    /// Scaffold a new content file.
    New(NewArgs),
    /// Print a document's text (paragraphs, headings, table rows) read from the file alone: the
    /// git diff driver for the archived documents.
    Text(TextArgs),
    /// What changed in the documents between two git revisions of the content and templates.
    Diff(DiffArgs),
    /// Write the fill-in workbooks (填报表) the towns return each quarter.
    Export(ExportArgs),
    /// Write what the towns filled in (returned 填报表) back into the YAML, in place.
    Import(ImportArgs),
}

/// Where the project's folders are.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// The content folder (city.yaml, standards/, towns/).
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,
    /// The templates folder (*.typ.j2 and the gongwen package, gongwen/).
    #[arg(long, default_value = "templates", value_name = "DIR")]
    pub templates: PathBuf,
}

/// Which fonts the typesetter may use.
#[derive(Debug, Clone, Args)]
pub struct FontArgs {
    /// Add fonts from this folder (e.g. an office's licensed 方正 fonts). Repeatable.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
    /// Also use the fonts installed on this system (breaks byte-identical output across machines).
    #[arg(long)]
    pub system_fonts: bool,
    /// The folder of bundled fonts.
    #[arg(long, default_value = "fonts", value_name = "DIR")]
    pub fonts: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a town falls short of a designation criterion (by default that is a
    /// verdict about the town, reported as such, and the exit code stays 0).
    #[arg(long)]
    pub fail_on_verdicts: bool,
    /// Apply the safe proofreading fixes (one suggested form, outside verbatim text) in place,
    /// then check again and list what needs a person.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the changes as a unified diff and write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// Also list the findings silenced by `# 校对: 允许 RULE` comments.
    #[arg(long)]
    pub show_allowed: bool,
}

/// The PDF standard to conform to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PdfStandardArg {
    /// PDF/A-2b, for archiving (the default).
    #[value(name = "a-2b")]
    A2b,
    /// Plain PDF 1.7.
    #[value(name = "1.7")]
    Pdf17,
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// The output folder.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Number of typesetting threads: documents typeset at once, all sharing Typst's own parallel
    /// work (default: the machine's cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Rebuild every document, even those whose inputs did not change.
    #[arg(long)]
    pub force: bool,
    /// Build only documents of this kind (repeatable).
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    /// Build only documents of this town (repeatable).
    #[arg(long, value_name = "ID")]
    pub town: Vec<String>,
    /// Build a deterministic share K of N of the documents, e.g. `--shard 2/4`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Write the generated Typst source beside each PDF.
    #[arg(long)]
    pub emit_typ: bool,
    /// The PDF standard.
    #[arg(long, value_enum, default_value_t = PdfStandardArg::A2b)]
    pub pdf_standard: PdfStandardArg,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print every warning and verdict with its source line, as `zyz check` does (by default the
    /// build prints errors in full and one line per warning).
    #[arg(long)]
    pub details: bool,
    /// Exit with 1 when a town falls short of a designation criterion (by default that is a
    /// verdict about the town, reported as such, and the exit code stays 0).
    #[arg(long)]
    pub fail_on_verdicts: bool,
    /// Print time spent per stage, summed over documents.
    #[arg(long)]
    pub timings: bool,
    /// Make the layout check's findings (GB/T 9704 measured on each document's pages) errors:
    /// a document that breaks a layout rule fails.
    #[arg(long)]
    pub strict_layout: bool,
    /// Output format of the findings (json: one object on stdout, as `zyz check --format json`).
    #[arg(long, default_value = "human", value_parser = findings_format)]
    pub format: Format,
    /// The files to write for each document, comma-separated: `pdf` (always) and `ofd`
    /// (GB/T 33190, NAME.ofd beside NAME.pdf). Default: city.yaml `formats`, else pdf.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub formats: Vec<String>,
    /// Judge the follow-ups of issued supervision notices (催办通知, 通报) as of this day,
    /// YYYY-MM-DD (default: city.yaml `document_date`).
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<crate::model::Date>,
}

/// `--as-of 2025-12-01`.
fn date_arg(text: &str) -> Result<crate::model::Date, String> {
    crate::model::Date::parse(text).map_err(|(_, message, hint)| format!("{message} ({hint})"))
}

/// `--format` of build and watch (how findings print); a file format's name there gets a pointer
/// to `--formats`.
fn findings_format(text: &str) -> Result<Format, String> {
    if crate::model::OutputFormat::from_name(text).is_some() {
        return Err(format!(
            "--format says how findings print (human or json); to write {text} files use --formats pdf,{text}"
        ));
    }
    Format::from_str(text, false)
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub build: BuildArgs,
    /// The port to listen on (taken: the next free one, and it says which).
    #[arg(long, default_value_t = 8022, value_name = "N")]
    pub port: u16,
    /// The address to listen on. Anything but a loopback address (127.0.0.1, ::1) lets others
    /// on the network in, and needs --token.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: std::net::IpAddr,
    /// Require an access token (made now and printed with the address) of every request.
    #[arg(long)]
    pub token: bool,
    /// Open the page in the system's browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Clone, Args)]
pub struct IssueArgs {
    /// The documents, as paths in the manifest (e.g. `2025/city/ranking.pdf`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Issue the documents of this kind (repeatable).
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    /// With --kind: only this town's documents (repeatable).
    #[arg(long, value_name = "ID")]
    pub town: Vec<String>,
    /// Who signed the documents off (签发人), recorded in the register.
    #[arg(long, value_name = "NAME")]
    pub signed_off_by: Option<String>,
    /// Show what would be issued; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// The output folder the documents were built into.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// The PDF standard the documents were built with.
    #[arg(long, value_enum, default_value_t = PdfStandardArg::A2b)]
    pub pdf_standard: PdfStandardArg,
    /// The day the documents were built as of (`zyz build --as-of`): a reminder or a circular
    /// is only planned once it is due.
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<crate::model::Date>,
}

impl IssueArgs {
    /// The build options the documents were built with (for their input hashes).
    pub fn build_args(&self) -> BuildArgs {
        BuildArgs {
            project: self.project.clone(),
            fonts: self.fonts.clone(),
            out: self.out.clone(),
            jobs: Some(1),
            force: false,
            kind: self.kind.clone(),
            town: self.town.clone(),
            shard: None,
            emit_typ: false,
            pdf_standard: self.pdf_standard,
            quiet: true,
            details: false,
            fail_on_verdicts: false,
            timings: false,
            strict_layout: false,
            format: Format::Human,
            formats: Vec::new(),
            as_of: self.as_of,
        }
    }
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The document kind, e.g. `application`.
    pub kind: String,
    /// The town id (use `-` for city-wide documents).
    pub town: String,
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// Where to write the PNG pages.
    #[arg(long, default_value = "output/preview", value_name = "DIR")]
    pub out: PathBuf,
    /// Pixels per point.
    #[arg(long, default_value_t = 1.5)]
    pub scale: f32,
    /// Plan as of this day, YYYY-MM-DD (a reminder or a circular exists only once due).
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<crate::model::Date>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file's schema: `town`, `city`, `standard`, `plan`, `assessment`, `register`, `proofread`, `opinions`.
    #[arg(default_value = "town")]
    pub which: String,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    /// A document zyz made (PDF).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old revision (default: HEAD).
    #[arg(value_name = "REV_A")]
    pub from: Option<String>,
    /// The new revision (default: the working tree).
    #[arg(value_name = "REV_B")]
    pub to: Option<String>,
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write a 修改对照稿 PDF of each changed document into this folder.
    #[arg(long, value_name = "DIR")]
    pub redline: Option<PathBuf>,
    /// Number of typesetting threads (default: the machine's cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewWhat,
}

#[derive(Debug, Subcommand)]
pub enum NewWhat {
    /// A town file `content/towns/<id>.yaml`, valid and commented.
    Town {
        /// The town id (lowercase ASCII letters, digits and `-`), e.g. `qingtou`.
        id: String,
        #[arg(long, default_value = "content", value_name = "DIR")]
        content: PathBuf,
        /// The town's Chinese name, e.g. `卿头镇` (default: `<id>镇`).
        #[arg(long)]
        name: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}

/// What `zyz export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    /// The fill-in workbooks: one per town and one for the whole city (问题台账, 任务进度).
    Sheets,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub what: ExportWhat,
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The folder the workbooks go to (in a subfolder per plan year).
    #[arg(long, default_value = "sheets", value_name = "DIR")]
    pub out: PathBuf,
    /// Only these towns (by id; repeatable); the city's workbook is written when none is given.
    #[arg(long, value_name = "ID")]
    pub town: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Returned workbooks (.xlsx), made by `zyz export sheets`, or returned Word drafts (.docx),
    /// made by `zyz build --formats docx` (not both at once).
    #[arg(value_name = "FILE.xlsx|FILE.docx", required = true)]
    pub files: Vec<PathBuf>,
    /// Print the changes as a diff of the YAML and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Drafts: ignore tracked changes (read the text as it was before them).
    #[arg(long)]
    pub reject_tracked: bool,
    /// Accept drafts and workbooks made from older content (refused by default: re-export and
    /// re-send them) and merge them field by field; a value changed in the YAML since they were
    /// made is a conflict, never overwritten. For copies that come back after another copy of the
    /// same draft was imported.
    #[arg(long)]
    pub merge_older: bool,
    /// Drafts: write the 意见采纳情况汇总表 (every field edit, template edit and comment) to this
    /// workbook; a re-run keeps the 理由 filled in.
    #[arg(long, value_name = "FILE.xlsx")]
    pub summary: Option<PathBuf>,
    #[command(flatten)]
    pub project: ProjectArgs,
}
