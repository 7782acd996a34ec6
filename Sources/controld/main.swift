print("controld")
