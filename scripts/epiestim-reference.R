# Writes the EpiEstim estimates the forecast tests compare with (command/forecast/tests/epiestim_reference.json).
# Run from the repository's root with EpiEstim installed (Debian: apt install r-cran-epiestim), giving the output
# file and a file of the Bình Dương counts (one a line, 1/7/2021 – 31/8/2021 of the national portal's series):
#   Rscript scripts/epiestim-reference.R src/phongdich/command/forecast/tests/epiestim_reference.json COUNTS
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(EpiEstim))
series <- list(
  growing = c(1, 2, 4, 3, 6, 8, 10, 12, 15, 20, 18, 25, 30, 28, 35, 40, 38, 45, 50, 48, 60),
  with_zeros = c(5, 0, 0, 3, 0, 7, 0, 0, 0, 12, 4, 0, 9, 0, 0, 0, 6, 2, 0, 0, 1, 0, 0, 0, 0, 3),
  # Bình Dương (the portal's province 44, an assumption), 1/7/2021 – 31/8/2021 as reported.
  binh_duong = as.numeric(read.csv(args[2], header = FALSE)[[1]])
)
intervals <- list(c(4.7, 2.9), c(3.96, 4.75), c(6.5, 4.0))
out <- list()
for (name in names(series)) {
  for (si in intervals) {
    r <- suppressWarnings(estimate_R(series[[name]], method = "parametric_si",
      config = make_config(list(mean_si = si[1], std_si = si[2]))))
    out[[length(out) + 1]] <- list(series = name, counts = series[[name]], si_mean = si[1], si_sd = si[2],
      t_end = r$R$t_end, mean = r$R[["Mean(R)"]], sd = r$R[["Std(R)"]],
      lower = r$R[["Quantile.0.025(R)"]], median = r$R[["Median(R)"]], upper = r$R[["Quantile.0.975(R)"]])
  }
}
json <- paste0("[", paste(vapply(out, function(x) {
  fields <- vapply(names(x), function(k) {
    v <- x[[k]]
    if (is.character(v)) sprintf('"%s": "%s"', k, v)
    else if (length(v) == 1 && k %in% c("si_mean", "si_sd")) sprintf('"%s": %s', k, format(v, digits = 15))
    else sprintf('"%s": [%s]', k, paste(ifelse(is.na(v), "null", format(v, digits = 15, trim = TRUE)), collapse = ", "))
  }, "")
  paste0("{", paste(fields, collapse = ", "), "}")
}, ""), collapse = ",\n"), "]\n")
writeLines(json, args[1], sep = "")
