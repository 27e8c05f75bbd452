"""Client-ready print output: the PDF/HTML report and the vector charts it draws."""
