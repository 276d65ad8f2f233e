mark = {
  { lat = 35.42, long = 40.05, mark = "gov", label = "Ayyash" 
